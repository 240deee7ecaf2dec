#!/usr/bin/env bash
# Checks the packaged unit: the settings the gateway needs, the pages it names, and a systemd-analyze security exposure of at most 3.9.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }

deb=$(cat "$DYNDNS_ARTIFACT_DIR/deb-path")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb --extract "$deb" "$root"
unit=
for dir in lib/systemd/system usr/lib/systemd/system; do
  [ -f "$root/$dir/dyndns-gateway.service" ] && unit=$root/$dir/dyndns-gateway.service
done
[ -n "$unit" ] || fail "no dyndns-gateway.service in the package"

# What the gateway relies on, and what the README and the man pages promise.
for line in 'Type=notify' \
            'ExecStart=/usr/sbin/dyndns-gateway --config /etc/dyndns-gateway/gateway.yaml' \
            'ExecReload=/bin/kill -HUP $MAINPID' \
            'User=dyndns-gateway' 'Group=dyndns-gateway' \
            'StateDirectory=dyndns-gateway' 'ConfigurationDirectory=dyndns-gateway' \
            'CapabilityBoundingSet=' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'UMask=0077'; do
  grep -qxF -- "$line" "$unit" || fail "the unit lacks '$line'"
done
# limits.max_connections (default 10000) plus the gateway's 256 spare descriptors must fit.
nofile=$(sed -n 's/^LimitNOFILE=\([0-9]*\)$/\1/p' "$unit")
[ -n "$nofile" ] && [ "$nofile" -ge 10256 ] || fail "LimitNOFILE='$nofile' is below 10256"
# The documented drop-ins are shipped.
for dropin in tsig-group-bind.conf tsig-credential.conf port-443.conf; do
  [ -f "$root/usr/share/doc/dyndns-gateway/examples/$dropin" ] || fail "no example drop-in $dropin"
done

# systemd-analyze verify needs the binaries and systemd's own units where the unit names them:
# install_test.sh runs it after dpkg -i. Here: the manual pages Documentation= names are packaged.
for page in $(sed -n 's/^Documentation=//p' "$unit"); do
  name=${page#man:}
  section=${name##*(}; section=${section%)}
  [ -f "$root/usr/share/man/man$section/${name%(*}.$section.gz" ] || fail "Documentation= names $page, not in the package"
done

# Exposure from 0 (locked down) to 10; at most 3.9 is required, the unit aims at 2.0 or less.
systemd-analyze security --offline=yes --no-pager "$unit" >"$DYNDNS_ARTIFACT_DIR/security.txt" 2>&1 || true
grep '✗' "$DYNDNS_ARTIFACT_DIR/security.txt" || true
score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' "$DYNDNS_ARTIFACT_DIR/security.txt")
[ -n "$score" ] || { cat "$DYNDNS_ARTIFACT_DIR/security.txt"; fail "no exposure level from systemd-analyze security"; }
echo "systemd-analyze security: exposure $score"
awk -v s="$score" 'BEGIN { exit !(s <= 3.9) }' || fail "exposure $score is above 3.9"

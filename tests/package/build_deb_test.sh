#!/usr/bin/env bash
# Builds the .deb with scripts/package and checks its name, control fields and contents; other package tests use its path.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$DYNDNS_ARTIFACT_DIR"
rm -f "$DYNDNS_ARTIFACT_DIR/deb-path"
deb=$("$DYNDNS_SOURCE_DIR/scripts/package" | tail -n 1)
[ -f "$deb" ] || fail "scripts/package's last line is not a file: '$deb'"
expected=dyndns-gateway_${DYNDNS_VERSION}_$(dpkg --print-architecture).deb
[ "$(basename "$deb")" = "$expected" ] || fail "named $(basename "$deb"), expected $expected"

dpkg-deb --info "$deb" >"$DYNDNS_ARTIFACT_DIR/info.txt"
dpkg-deb --contents "$deb" >"$DYNDNS_ARTIFACT_DIR/contents.txt"
cat "$DYNDNS_ARTIFACT_DIR/info.txt"

field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = dyndns-gateway ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$DYNDNS_VERSION" ] || fail "Version: $(field Version)"
depends=$(field Depends)
# dpkg-shlibdeps found the libraries the binaries link; adduser is for postinst.
for dep in adduser libc6 libpoco libldns libyaml-cpp libsodium libssl; do
  grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done

control=$(mktemp -d)
trap 'rm -rf "$control"' EXIT
dpkg-deb --control "$deb" "$control"
[ "$(cat "$control/conffiles")" = /etc/dyndns-gateway/gateway.yaml ] || fail "conffiles: $(cat "$control/conffiles")"
for script in postinst prerm postrm; do
  [ -x "$control/$script" ] || fail "no executable $script"
  sh -n "$control/$script" || fail "$script is not valid sh"
  ! grep -q '#DEBHELPER#' "$control/$script" || fail "$script still has #DEBHELPER#"
done

for path in ./usr/sbin/dyndns-gateway ./usr/bin/dyndnsctl ./etc/dyndns-gateway/gateway.yaml \
            ./usr/share/dyndns-gateway/wsdl/dyndns.wsdl ./usr/share/dyndns-gateway/monitoring/dyndns-gateway.rules.yml ./usr/share/dyndns-gateway/bind-config/named.conf.dyndns \
            ./usr/share/dyndns-gateway/bind-config/zone.template ./usr/share/dyndns-gateway/scripts/new-zone \
            ./usr/share/man/man8/dyndns-gateway.8.gz ./usr/share/man/man8/dyndnsctl.8.gz \
            ./usr/share/man/man5/dyndns-gateway.yaml.5.gz ./usr/share/doc/dyndns-gateway/copyright \
            ./lib/systemd/system/dyndns-gateway.service; do
  # Debian 12's systemd looks in /lib/systemd/system; later ones in /usr/lib/systemd/system.
  alt=${path/#.\/lib\//.\/usr\/lib\/}
  grep -qE " (${path//./\\.}|${alt//./\\.})$" "$DYNDNS_ARTIFACT_DIR/contents.txt" || fail "the package lacks $path"
done
# The store is made by postinst and systemd, never shipped (dpkg would own it and its removal).
! grep -q ' \./var/' "$DYNDNS_ARTIFACT_DIR/contents.txt" || fail "the package ships files under /var"

printf '%s\n' "$deb" >"$DYNDNS_ARTIFACT_DIR/deb-path"
echo "built $deb"

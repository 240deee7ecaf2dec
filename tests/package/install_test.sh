#!/usr/bin/env bash
# Installs the .deb with dpkg on this machine, verifies the unit, runs the installed gateway and dyndnsctl as the system user against a real named, then removes and purges it.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND exited $?" >&2' ERR
say() { echo "install-test: $*"; }

[ "$(id -u)" -eq 0 ] || fail "dpkg -i needs root"
deb=$(cat "$DYNDNS_ARTIFACT_DIR/deb-path")
src=$DYNDNS_SOURCE_DIR
user=dyndns-gateway
conf_dir=/etc/dyndns-gateway
state_dir=/var/lib/dyndns-gateway
# Written into the installed tree: a package installed by an earlier run of this test that was
# killed before its cleanup may be purged; one installed by anybody else is left alone.
marker=$conf_dir/.installed-by-package-test

# One package test at a time on this machine (other work trees may run theirs).
exec 9>/run/lock/dyndns-gateway-package-test.lock
flock -w 600 9 || fail "another package test holds the lock"

package_state() { dpkg-query -W -f='${db:Status-Status}' dyndns-gateway 2>/dev/null || true; }
state=$(package_state)
if [ -n "$state" ] && [ "$state" != not-installed ]; then
  [ -f "$marker" ] || fail "dyndns-gateway is already on this machine ($state) and this test did not install it; it would be purged: dpkg --purge dyndns-gateway first"
  say "purging the package a killed earlier run left installed"
  dpkg --purge dyndns-gateway >/dev/null
fi

work=$(mktemp -d)
# The service's user reads its configuration, key and certificate from here.
chmod 0755 "$work"
gateway_pid=
installed=no
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  "$src/scripts/local-bind" stop "$work/bind" >/dev/null 2>&1 || true
  # Never leave the package behind, whatever failed.
  if [ "$installed" = yes ]; then
    dpkg --purge dyndns-gateway >/dev/null 2>&1 || echo "install-test: dpkg --purge failed in cleanup" >&2
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/gateway.log" ]; then
    echo "--- gateway log" >&2
    tail -n 40 "$work/gateway.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_user() { runuser -u "$user" -- "$@"; }
loopback() { "$PYTHON3" "$src/scripts/lib/loopback.py" "$@"; }

# --- install (twice: the second is what an upgrade runs, with the user already there)
installed=yes
dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log"; fail "dpkg -i failed"; }
touch "$marker"
dpkg -i "$deb" >>"$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log"; fail "dpkg -i over the installed package failed"; }
[ "$(package_state)" = installed ] || fail "package state $(package_state)"
dpkg-query -L dyndns-gateway >"$work/files"
say "installed $(wc -l <"$work/files") paths"

# --- the system user, its group and its state directory
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd "$user") || fail "no user $user"
[ "$uid" -lt 1000 ] || fail "$user is not a system user (uid $uid)"
[ "$(getent group "$user" | cut -d: -f3)" = "$gid" ] || fail "$user's primary group is not its own"
[ "$home" = "$state_dir" ] || fail "$user's home is $home"
[ "$shell" = /usr/sbin/nologin ] || fail "$user's shell is $shell"
[ "$(stat -c '%U:%G %a' "$state_dir")" = "$user:$user 750" ] || fail "$state_dir is $(stat -c '%U:%G %a' "$state_dir")"
[ "$(dpkg-query -W -f='${Conffiles}' dyndns-gateway | awk 'NF { print $1 }')" = "$conf_dir/gateway.yaml" ] ||
  fail "conffiles: $(dpkg-query -W -f='${Conffiles}' dyndns-gateway)"
for page in dyndns-gateway.8 dyndnsctl.8 dyndns-gateway.yaml.5; do
  man -w "${page%.*}" "${page##*.}" >/dev/null 2>&1 || man -w "${page%.*}" >/dev/null || fail "man cannot find $page"
done

# --- the unit, as installed: binaries, /bin/kill and the man pages of Documentation= exist now
unit=$(grep -E '/systemd/system/dyndns-gateway\.service$' "$work/files") || fail "no unit installed"
systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify failed"; }
[ ! -s "$work/verify.log" ] || { cat "$work/verify.log"; fail "systemd-analyze verify warned"; }
say "systemd-analyze verify $unit: clean"

# --- a real named and a certificate, readable by the service's user as BIND's group would make them
port=
for _ in 1 2 3; do
  port=$(loopback free-ports 1)
  "$src/scripts/local-bind" start "$work/bind" "$port" >"$work/bind.log" 2>&1 && break
  port=
done
[ -n "$port" ] || { cat "$work/bind.log"; fail "named did not start"; }
"$src/scripts/make-certs" "$work/certs" 2>/dev/null
chgrp "$user" "$work/bind/tsig.key" "$work/certs/server.key"
chmod 0640 "$work/bind/tsig.key" "$work/certs/server.key"
chmod 0755 "$work/bind" "$work/certs"

# The installed conffile itself is valid once its key exists: only key_file changes here.
sed "s|^  key_file: /etc/bind/dyndns-gateway.key$|  key_file: $work/bind/tsig.key|" "$conf_dir/gateway.yaml" >"$work/installed.yaml"
! cmp -s "$conf_dir/gateway.yaml" "$work/installed.yaml" || fail "the installed gateway.yaml has no key_file line to point at the test key"
as_user /usr/sbin/dyndns-gateway --check-config "$work/installed.yaml" >/dev/null || fail "the installed gateway.yaml does not check"

mapfile -t ports < <(loopback free-ports 2)
https_port=${ports[0]} metrics_port=${ports[1]}
config=$work/gateway.yaml
cat >"$config" <<YAML
# The package test's configuration: the installed binary, the packaged state directory, a test named.
listen:
  addresses: ["127.0.0.1"]
  port: $https_port
tls:
  certificate: $work/certs/server.pem
  private_key: $work/certs/server.key
public_url: https://127.0.0.1:$https_port/dom/api
dns:
  primary: 127.0.0.1
  port: $port
  key_file: $work/bind/tsig.key
store:
  path: $state_dir/gateway.sqlite
allow_private_addresses: true
metrics:
  listen: 127.0.0.1:$metrics_port
YAML
as_user /usr/sbin/dyndns-gateway --check-config "$config" || fail "--check-config as $user failed"

# --- dyndnsctl as the user: the store is created in the packaged state directory
printf 'demo-password\n' | as_user /usr/bin/dyndnsctl --config "$config" account add demo >/dev/null
as_user /usr/bin/dyndnsctl --config "$config" domain add example.test --account demo >/dev/null
as_user /usr/bin/dyndnsctl --config "$config" dyndns on example.test >/dev/null
as_user /usr/bin/dyndnsctl --config "$config" dns show example.test MX | grep -q 'MX 10 mail.example.test' ||
  fail "dyndnsctl dns show did not read the zone's MX"

# --- the installed gateway as the user (setpriv execs it, so its pid is the gateway's)
setpriv --reuid="$user" --regid="$user" --init-groups -- /usr/sbin/dyndns-gateway --config "$config" \
  >"$work/gateway.log" 2>&1 &
gateway_pid=$!
loopback wait-listening --port "$https_port" --pid "$gateway_pid" --log "$work/gateway.log" --name dyndns-gateway ||
  fail "dyndns-gateway did not start"
[ "$(stat -c %U "/proc/$gateway_pid")" = "$user" ] || fail "the gateway does not run as $user"

# The seed's call, unmodified but for the URL; SSL_CERT_FILE makes Python trust the test CA.
result=$(SSL_CERT_FILE=$work/certs/ca.pem "$PYTHON3" - "https://127.0.0.1:$https_port/dom/api" <<'PY'
import sys
import xmlrpc.client
proxy = xmlrpc.client.ServerProxy(sys.argv[1])
print(proxy.SetDyndnsIp("demo", "demo-password", "example.test", ""))
PY
) || fail "SetDyndnsIp failed"
say "SetDyndnsIp: $result"
grep -q "'domain': 'example.test', 'ip': '127.0.0.1', 'type': 'A', 'ttl': 60, 'changed': True" <<<"$result" ||
  fail "unexpected answer: $result"
answer=$(dig @127.0.0.1 -p "$port" example.test A +norec +noall +answer)
grep -qE '^example\.test\.[[:space:]]+60[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.1$' <<<"$answer" ||
  fail "named does not serve the address: $answer"

kill -TERM "$gateway_pid"
status=0
wait "$gateway_pid" || status=$?
gateway_pid=
[ "$status" -eq 0 ] || fail "the gateway exited $status on SIGTERM"
# History rows are written in batches off the request path; stopping drains them.
as_user /usr/bin/dyndnsctl --config "$config" history example.test | grep -q 127.0.0.1 || fail "no history row"
# Everything in the state directory belongs to the service's user, so the unit can use it.
others=$(find "$state_dir" ! -user "$user")
[ -z "$others" ] || fail "files in $state_dir not owned by $user: $others"

# --- remove keeps the configuration and the store; purge removes everything of ours
dpkg --remove dyndns-gateway >/dev/null
[ ! -e /usr/sbin/dyndns-gateway ] || fail "remove left the binary"
[ -f "$conf_dir/gateway.yaml" ] || fail "remove deleted the conffile"
[ -f "$state_dir/gateway.sqlite" ] || fail "remove deleted the store"
dpkg --purge dyndns-gateway >/dev/null
installed=no
[ -z "$(package_state)" ] || [ "$(package_state)" = not-installed ] || fail "after purge the package is $(package_state)"
left=
while IFS= read -r path; do
  [ -d "$path" ] && continue   # directories (and /lib, a link to one) are shared with other packages
  [ -e "$path" ] || [ -L "$path" ] && left="$left $path"
done <"$work/files"
for path in "$conf_dir" "$state_dir" /usr/share/dyndns-gateway /usr/share/doc/dyndns-gateway "$unit"; do
  [ -e "$path" ] && left="$left $path"
done
[ -z "$left" ] || fail "purge left:$left"
# Debian keeps a package's system user after purge; so does this package.
getent passwd "$user" >/dev/null || fail "purge removed the user $user"
say "purged; nothing left but the system user $user"

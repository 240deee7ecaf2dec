#!/usr/bin/env bash
# Integration test of scripts/local-bind: a real named answers on 127.0.0.1 and ::1, takes A/AAAA updates, refuses MX, stops cleanly.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
local_bind=$root/scripts/local-bind
PATH=$PATH:/usr/sbin:/sbin

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# A missing tool is a failure, never a skip.
for t in named dig nsupdate python3; do
  command -v "$t" >/dev/null || fail "$t is not installed (Debian packages bind9, bind9-dnsutils, python3)"
done

work=$(mktemp -d)
dir=$work/bind
cleanup() {
  "$local_bind" stop "$dir" >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT

# A port free for TCP and UDP on 127.0.0.1 and ::1: named binds all four.
port=$("$root/scripts/lib/loopback.py" free-ports 1) || fail "no free port"

# dig without recursion; prints the answer section and the status line.
ask() {
  local server=$1 name=$2 type=$3
  dig @"$server" -p "$port" "$name" "$type" +norec +time=2 +tries=2 +noall +comments +answer
}

# Sends one nsupdate script signed with the local key; prints nsupdate's output, returns its status.
update() {
  local server=$1
  shift
  { echo "server $server $port"; echo "zone example.test"; printf '%s\n' "$@"; echo "send"; } |
    nsupdate -k "$dir/tsig.key" 2>&1
}

# Process $1 is gone (a zombie waiting to be reaped counts as gone).
gone() {
  local pid=$1 _
  for _ in $(seq 1 50); do
    if [ ! -e "/proc/$pid" ] || grep -qE '^[0-9]+ \(.*\) [ZX] ' "/proc/$pid/stat" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

"$local_bind" start "$dir" "$port" || fail "local-bind start"
pid=$(cat "$dir/named.pid")
pass "named started on port $port (pid $pid)"

out=$("$local_bind" start "$dir" "$port" 2>&1) || fail "second start: $out"
grep -q 'already running' <<<"$out" || fail "second start did not say 'already running': $out"
[ "$(cat "$dir/named.pid")" = "$pid" ] || fail "second start changed the pid"
pass "start is idempotent"

[ "$(stat -c %a "$dir/tsig.key")" = 600 ] || fail "tsig.key mode is $(stat -c %a "$dir/tsig.key"), not 600"
pass "tsig.key is 0600"

for server in 127.0.0.1 ::1; do
  out=$(ask "$server" example.test SOA)
  grep -q 'status: NOERROR' <<<"$out" || fail "SOA over $server: $out"
  grep -qE 'flags:.* aa' <<<"$out" || fail "SOA over $server is not authoritative: $out"
  grep -qE 'IN[[:space:]]+SOA[[:space:]]+ns1\.example\.test\. hostmaster\.example\.test\. [0-9]+ [0-9]+ [0-9]+ [0-9]+ 60$' <<<"$out" ||
    fail "SOA over $server lacks negative TTL 60: $out"
  out=$(ask "$server" example.test MX)
  grep -qE 'IN[[:space:]]+MX[[:space:]]+10 mail\.example\.test\.' <<<"$out" || fail "MX over $server: $out"
  pass "SOA and MX answered over $server"
done

out=$(update 127.0.0.1 "update add host.example.test. 60 A 192.0.2.10") || fail "nsupdate A add: $out"
out=$(ask 127.0.0.1 host.example.test A)
grep -qE '^host\.example\.test\.[[:space:]]+60[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.10$' <<<"$out" ||
  fail "A record after update: $out"
pass "A add through nsupdate, TTL 60"

out=$(update ::1 "update add host.example.test. 60 AAAA 2001:db8::10") || fail "nsupdate AAAA add over ::1: $out"
out=$(ask ::1 host.example.test AAAA)
grep -qE 'IN[[:space:]]+AAAA[[:space:]]+2001:db8::10$' <<<"$out" || fail "AAAA record after update: $out"
pass "AAAA add through nsupdate over ::1"

if out=$(update 127.0.0.1 "update add example.test. 60 MX 20 evil.example.net."); then
  fail "MX add was accepted: $out"
fi
grep -q 'REFUSED' <<<"$out" || fail "MX add failed without REFUSED: $out"
out=$(ask 127.0.0.1 example.test MX)
if grep -q evil <<<"$out"; then fail "MX changed: $out"; fi
pass "MX add REFUSED and MX unchanged"

"$local_bind" stop "$dir" || fail "local-bind stop"
gone "$pid" || fail "named (pid $pid) still running after stop"
[ ! -e "$dir/named.pid" ] || fail "pid file left after stop"
if dig @127.0.0.1 -p "$port" example.test SOA +norec +time=1 +tries=1 >/dev/null 2>&1; then
  fail "something still answers on port $port after stop"
fi
"$local_bind" stop "$dir" || fail "second stop should succeed when nothing runs"
pass "stop ends named; a second stop is a no-op"

# A restart keeps the zone and its journal: the dynamic record is still there.
"$local_bind" start "$dir" "$port" || fail "restart"
out=$(ask 127.0.0.1 host.example.test A)
grep -q '192\.0\.2\.10' <<<"$out" || fail "dynamic record lost across restart: $out"
pid=$(cat "$dir/named.pid")
"$local_bind" stop "$dir" || fail "stop after restart"
gone "$pid" || fail "named (pid $pid) still running after the second stop"
pass "restart keeps dynamic records"

# Many zones from a file (the provider-shaped benchmark): each served, each updatable by the key.
many=$dir-many
seq 1 300 | sed 's/^/z/; s/$/.bench/' >"$dir.zones"
"$local_bind" start "$many" "$port" --zones-file "$dir.zones" || fail "start with --zones-file"
for z in z1.bench z150.bench z300.bench; do
  out=$(ask 127.0.0.1 "$z" SOA)
  grep -q "ns1.$z." <<<"$out" || fail "$z not served: $out"
done
out=$(nsupdate -k "$many/tsig.key" <<EOF 2>&1
server 127.0.0.1 $port
zone z300.bench
update add host.z300.bench. 60 A 192.0.2.30
send
EOF
) || fail "update in a generated zone: $out"
grep -q '192\.0\.2\.30' <<<"$(ask 127.0.0.1 host.z300.bench A)" || fail "the generated zone did not take the update"
"$local_bind" stop "$many" || fail "stop the many-zone named"
rm -rf -- "$many" "$dir.zones"
pass "300 zones from a file, served and updatable"

echo "local_bind_test: all passed"

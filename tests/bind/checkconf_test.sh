#!/usr/bin/env bash
# Checks that bind-config/named.conf.dyndns loads in named-checkconf -z once its paths point at a generated key and zone.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PATH=$PATH:/usr/sbin:/sbin

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

for t in named-checkconf named-checkzone tsig-keygen; do
  command -v "$t" >/dev/null || fail "$t is not installed (Debian packages bind9, bind9-utils)"
done

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

snippet=$root/bind-config/named.conf.dyndns
key_path=/etc/bind/dyndns-gateway.key
zone_path=/var/lib/bind/db.example.com

# The snippet must name exactly these paths, or the rewrite below would test nothing.
grep -qF "include \"$key_path\";" "$snippet" || fail "snippet does not include $key_path"
grep -qF "file \"$zone_path\";" "$snippet" || fail "snippet does not use $zone_path"
grep -qE '^[[:space:]]*grant dyndns-gateway zonesub A AAAA TXT;' "$snippet" || fail "snippet lacks the A/AAAA/TXT-only update-policy"

"$root/scripts/gen-key" "$work/dyndns-gateway.key" 2>/dev/null || fail "gen-key"
"$root/scripts/new-zone" example.com --zone-dir "$work" --ns ns1.example.net >/dev/null 2>&1 || fail "new-zone"

sed -e "s|$key_path|$work/dyndns-gateway.key|g" \
    -e "s|$zone_path|$work/db.example.com|g" \
    "$snippet" >"$work/named.conf"
if grep -vE '^[[:space:]]*//' "$work/named.conf" | grep -qE '/etc/bind|/var/lib/bind'; then
  fail "a system path is left in the rewritten snippet"
fi

out=$(named-checkconf -z "$work/named.conf" 2>&1) || fail "named-checkconf -z: $out"
grep -q 'zone example.com/IN: loaded serial' <<<"$out" || fail "zone did not load: $out"
if grep -qiE 'warning|error' <<<"$out"; then
  fail "named-checkconf warned: $out"
fi
pass "named.conf.dyndns passes named-checkconf -z without warnings"

#!/usr/bin/env bash
# Checks scripts/new-zone: its zone file passes named-checkzone, its stanza passes named-checkconf, it never overwrites, it rejects bad names.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
new_zone=$root/scripts/new-zone
PATH=$PATH:/usr/sbin:/sbin

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

for t in named-checkconf named-checkzone tsig-keygen; do
  command -v "$t" >/dev/null || fail "$t is not installed (Debian packages bind9, bind9-utils)"
done

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

day_before=$(date +%Y%m%d)
"$new_zone" Example.COM. --zone-dir "$work" --ns ns1.example.net. --hostmaster dns.admin@example.net \
  >"$work/stanza.conf" 2>"$work/stderr" || fail "new-zone: $(cat "$work/stderr")"
zone_file=$work/db.example.com
[ -f "$zone_file" ] || fail "no $zone_file (domain not lower-cased?)"

out=$(named-checkzone example.com "$zone_file" 2>&1) || fail "named-checkzone: $out"
pass "named-checkzone accepts the generated zone"

# Canonical form: "example.com. 3600 IN SOA ns rname serial refresh retry expire minimum".
soa=$(named-checkzone -q -D -o - example.com "$zone_file" | awk '$4 == "SOA"')
read -r _ soa_ttl _ _ mname rname serial _ _ _ minimum <<<"$soa"
[ "$mname" = ns1.example.net. ] || fail "SOA mname $mname"
[ "$rname" = 'dns\.admin.example.net.' ] || fail "SOA rname $rname"
day_after=$(date +%Y%m%d)
[ "$serial" = "${day_before}01" ] || [ "$serial" = "${day_after}01" ] || fail "serial $serial is not today's YYYYMMDD01"
[ "$minimum" = 60 ] || fail "SOA minimum (negative-caching TTL) is $minimum, not 60"
[ "$soa_ttl" = 3600 ] || fail "SOA TTL is $soa_ttl, not 3600"
if grep -q '@[A-Z]*@' "$zone_file"; then
  fail "placeholder left in $zone_file"
fi
pass "SOA: serial $serial, minimum 60, rname escaped"

grep -qE '^[[:space:]]*grant dyndns-gateway zonesub A AAAA TXT;' "$work/stanza.conf" || fail "stanza lacks the update-policy"
"$root/scripts/gen-key" "$work/gw.key" 2>/dev/null || fail "gen-key"
{ echo "include \"$work/gw.key\";"; cat "$work/stanza.conf"; } >"$work/named.conf"
out=$(named-checkconf -z "$work/named.conf" 2>&1) || fail "named-checkconf -z on the printed stanza: $out"
pass "the printed stanza passes named-checkconf -z"

# A second run prints the stanza again and leaves the zone file alone.
echo '; hand edit' >>"$zone_file"
before=$(sha256sum <"$zone_file")
out=$("$new_zone" example.com --zone-dir "$work" 2>&1 >/dev/null) || fail "second run: $out"
grep -q 'already exists' <<<"$out" || fail "second run did not say the file exists: $out"
[ "$(sha256sum <"$zone_file")" = "$before" ] || fail "second run changed $zone_file"
pass "an existing zone file is left unchanged"

# --key names the key in the grant.
"$new_zone" other.example --zone-dir "$work" --key other-key --ns ns.example.net >"$work/other.conf" 2>/dev/null ||
  fail "new-zone --key"
grep -qE 'grant other-key zonesub A AAAA TXT;' "$work/other.conf" || fail "--key not used in the grant"
pass "--key is used in update-policy"

for bad in com 'a..example' '-a.example' 'a b.example' 'under_score.example' 192.0.2.1 \
           "$(printf 'x%.0s' $(seq 1 64)).example"; do
  if "$new_zone" "$bad" --zone-dir "$work" >/dev/null 2>&1; then
    fail "accepted invalid domain '$bad'"
  fi
done
pass "invalid domain names are rejected"

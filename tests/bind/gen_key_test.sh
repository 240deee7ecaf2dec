#!/usr/bin/env bash
# Checks scripts/gen-key: a 0600 key named-checkconf accepts, never printed, never overwritten, only the supported algorithms.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
gen_key=$root/scripts/gen-key
PATH=$PATH:/usr/sbin:/sbin

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

for t in named-checkconf tsig-keygen; do
  command -v "$t" >/dev/null || fail "$t is not installed (Debian packages bind9, bind9-utils)"
done

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

out=$("$gen_key" "$work/k" 2>&1) || fail "gen-key: $out"
[ "$(stat -c %a "$work/k")" = 600 ] || fail "mode $(stat -c %a "$work/k"), not 600"
grep -qE '^key "dyndns-gateway" \{' "$work/k" || fail "default key name: $(head -n 1 "$work/k")"
grep -qE 'algorithm hmac-sha256;' "$work/k" || fail "default algorithm is not hmac-sha256"
secret=$(sed -n 's/.*secret "\(.*\)";.*/\1/p' "$work/k")
[ -n "$secret" ] || fail "no secret in the key file"
if grep -qF -- "$secret" <<<"$out"; then
  fail "gen-key printed the secret"
fi
named-checkconf "$work/k" || fail "named-checkconf rejects the key file"
pass "default key: dyndns-gateway hmac-sha256 mode 0600 secret not printed"

before=$(sha256sum <"$work/k")
if "$gen_key" "$work/k" 2>/dev/null; then
  fail "gen-key overwrote an existing file"
fi
[ "$(sha256sum <"$work/k")" = "$before" ] || fail "existing key file changed"
pass "an existing file is never overwritten"

"$gen_key" --name other.key --algorithm hmac-sha512 "$work/k512" 2>/dev/null || fail "gen-key --algorithm hmac-sha512"
grep -qE '^key "other.key" \{' "$work/k512" || fail "--name not used"
grep -q 'algorithm hmac-sha512;' "$work/k512" || fail "--algorithm not used"
"$gen_key" --algorithm hmac-sha1 "$work/k1" 2>/dev/null || fail "gen-key --algorithm hmac-sha1"
pass "--name and --algorithm are honoured"

for alg in hmac-sha384 hmac-md5 bogus; do
  if "$gen_key" --algorithm "$alg" "$work/bad-$alg" 2>/dev/null; then
    fail "accepted algorithm $alg"
  fi
  [ ! -e "$work/bad-$alg" ] || fail "a file was written for rejected algorithm $alg"
done
pass "unsupported algorithms are rejected"

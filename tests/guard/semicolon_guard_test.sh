#!/usr/bin/env bash
# The guard against tests that run nothing: a doctest name with a ';' passes with doctest's own main (the hole) and fails with ours.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_fixture() { # $1: build folder, then cmake options; prints ctest's output, returns ctest's status
  local build=$1
  shift
  cmake -S "$here/semicolon_fixture" -B "$build" "$@" >/dev/null
  cmake --build "$build" -j2 >/dev/null
  (cd "$build" && ctest --output-on-failure 2>&1)
}

if ! control=$(run_fixture "$work/own-main"); then
  echo "FAIL: the control (doctest's own main) should pass its split entries; ctest said:" >&2
  echo "$control" >&2
  exit 1
fi
entries=$(grep -c 'Test *#' <<<"$control" || true)
if [ "$entries" -ne 2 ] || ! grep -q '100% tests passed' <<<"$control"; then
  echo "FAIL: expected CMake to split the name into 2 entries that pass; ctest said:" >&2
  echo "$control" >&2
  exit 1
fi
echo "control: doctest's own main passes $entries entries split from one name"

if guarded=$(run_fixture "$work/our-main" -DDOCTEST_MAIN="$source_dir/tests/support/doctest_main.cpp"); then
  echo "FAIL: with the project's doctest main the split entries must fail; ctest said:" >&2
  echo "$guarded" >&2
  exit 1
fi
failed=$(grep -c 'no test case matched the filters' <<<"$guarded" || true)
if [ "$failed" -ne 2 ]; then
  echo "FAIL: expected both split entries to fail with the guard's message; ctest said:" >&2
  echo "$guarded" >&2
  exit 1
fi
echo "guarded: the project's doctest main fails both entries ('no test case matched the filters')"

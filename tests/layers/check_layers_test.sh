#!/bin/bash
# Proves scripts/check-layers fails on a copy of gateway/ given an upward include, and passes on the copy before it.
set -euo pipefail
source_dir=$1
check=$source_dir/scripts/check-layers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$source_dir/gateway" "$work/gateway"

"$check" "$work" >/dev/null || { echo "FAIL: the unchanged copy of gateway/ was refused" >&2; exit 1; }

# vocabulary is the bottom layer: one include of the core must be refused, and named.
echo '#include "core/update_service.h"' >>"$work/gateway/vocabulary/names.h"
if "$check" "$work" 2>"$work/err"; then
    echo "FAIL: an include from vocabulary up to core was accepted" >&2
    exit 1
fi
grep -q 'gateway/vocabulary/names.h:[0-9]*: vocabulary includes core, a higher layer' "$work/err" ||
    { echo "FAIL: the upward include was not named:" >&2; cat "$work/err" >&2; exit 1; }
grep -q 'include cycle between folders' "$work/err" ||
    { echo "FAIL: the cycle core -> vocabulary -> core was not reported:" >&2; cat "$work/err" >&2; exit 1; }

# A folder missing from the order is refused too, so a new folder must be given its place.
sed -i '$d' "$work/gateway/vocabulary/names.h"
mkdir "$work/gateway/newpart" && echo '#include "vocabulary/names.h"' >"$work/gateway/newpart/x.h"
if "$check" "$work" 2>"$work/err"; then
    echo "FAIL: a folder outside the layer order was accepted" >&2
    exit 1
fi
grep -q 'gateway/newpart: not in the layer order' "$work/err" || { cat "$work/err" >&2; exit 1; }
echo "check-layers: refuses an upward include, a cycle and an unplaced folder"

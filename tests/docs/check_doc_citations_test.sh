#!/bin/bash
# Proves scripts/check-doc-citations passes on a copy of the repository and refuses each kind of bad citation in it.
set -euo pipefail
source_dir=$1
check=$source_dir/scripts/check-doc-citations
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$source_dir/gateway" "$source_dir/docs" "$source_dir/README.md" "$work/"

"$check" "$work" >/dev/null || { echo "FAIL: the unchanged copy was refused" >&2; "$check" "$work"; exit 1; }

refused() { # a line appended to gateway/vocabulary/names.h, the message expected
    cp "$work/gateway/vocabulary/names.h" "$work/names.h.orig"
    echo "$1" >>"$work/gateway/vocabulary/names.h"
    if "$check" "$work" 2>"$work/err"; then
        echo "FAIL: accepted: $1" >&2
        exit 1
    fi
    grep -qF "$2" "$work/err" || { echo "FAIL: '$1' refused without naming it:" >&2; cat "$work/err" >&2; exit 1; }
    mv "$work/names.h.orig" "$work/gateway/vocabulary/names.h"
}
refused '// the rule (DESIGN.md "Faults")' 'gateway/vocabulary/names.h:'
refused '// the rule (DESIGN.md "Faults")' 'cites DESIGN.md'
refused '// see docs/contract.md "No Such Section"' 'cites docs/contract.md "No Such Section", which has no such heading'
refused '// see docs/missing.md' 'cites docs/missing.md, which does not exist'
echo "check-doc-citations: refuses DESIGN.md, a missing document and a missing section"

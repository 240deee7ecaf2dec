#!/usr/bin/env bash
# Runs lintian on the .deb: any error fails; warnings and informational tags are printed and kept in the artifacts.
set -euo pipefail
deb=$(cat "$DYNDNS_ARTIFACT_DIR/deb-path")
report=$DYNDNS_ARTIFACT_DIR/lintian.txt

set +e
lintian --fail-on error --display-info "$deb" >"$report" 2>&1
status=$?
set -e
cat "$report"
echo "lintian: $(grep -c '^E: ' "$report") errors, $(grep -c '^W: ' "$report") warnings, $(grep -c '^I: ' "$report") informational"
if [ "$status" -ne 0 ]; then
  echo "FAIL: lintian exited $status (an error tag, or lintian itself failed)" >&2
  exit 1
fi

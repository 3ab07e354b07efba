#!/usr/bin/env bash
# Adds up every Surefire and Failsafe report of the build into one closing line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob globstar
tests=0 failed=0 skipped=0
for f in **/target/surefire-reports/TEST-*.xml **/target/failsafe-reports/TEST-*.xml; do
  read -r t fl e s < <(sed -n 's/.*<testsuite[^>]* tests="\([0-9]*\)"[^>]* failures="\([0-9]*\)"[^>]* errors="\([0-9]*\)"[^>]* skipped="\([0-9]*\)".*/\1 \2 \3 \4/p;
                              s/.*<testsuite[^>]* tests="\([0-9]*\)"[^>]* errors="\([0-9]*\)"[^>]* skipped="\([0-9]*\)"[^>]* failures="\([0-9]*\)".*/\1 \4 \2 \3/p' "$f" | head -1)
  tests=$((tests + ${t:-0})); failed=$((failed + ${fl:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
done
echo "tests: $((tests - failed - skipped)) passed, $failed failed, $skipped skipped"

#!/usr/bin/env bash
# Adds up every JUnit XML report of the build (Surefire, Failsafe, and the kernel tier's from the QEMU guest)
# into one closing line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob globstar
tests=0 failed=0 skipped=0
attr() { grep -o -m1 "<testsuite [^>]*" "$2" | grep -o " $1=\"[0-9]*\"" | head -1 | tr -dc 0-9; }
for f in **/target/surefire-reports/TEST-*.xml **/target/failsafe-reports/TEST-*.xml **/target/kernel-reports/TEST-*.xml; do
  t=$(attr tests "$f"); fl=$(attr failures "$f"); e=$(attr errors "$f"); s=$(attr skipped "$f")
  tests=$((tests + ${t:-0})); failed=$((failed + ${fl:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
done
echo "tests: $((tests - failed - skipped)) passed, $failed failed, $skipped skipped"

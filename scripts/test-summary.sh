#!/usr/bin/env bash
# Adds up every JUnit XML report of the build (Surefire, Failsafe, and the kernel tier's from the QEMU guest)
# into one closing line: "N passed, N failed, N skipped", preceded by one line per failed test, so that the
# last lines of a CI log say what failed.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob globstar
tests=0 failed=0 skipped=0
attr() { grep -o -m1 "<testsuite [^>]*" "$2" | grep -o " $1=\"[0-9]*\"" | head -1 | tr -dc 0-9; }
reports=(**/target/surefire-reports/TEST-*.xml **/target/failsafe-reports/TEST-*.xml **/target/kernel-reports/TEST-*.xml)
for f in "${reports[@]}"; do
  t=$(attr tests "$f"); fl=$(attr failures "$f"); e=$(attr errors "$f"); s=$(attr skipped "$f")
  tests=$((tests + ${t:-0})); failed=$((failed + ${fl:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
  [[ $((${fl:-0} + ${e:-0})) -gt 0 ]] || continue
  # The test case open before each <failure>/<error>, and the first 300 characters of its message.
  awk -v report="$f" '
    match($0, /<testcase name="[^"]*" classname="[^"]*"/) {
      s = substr($0, RSTART, RLENGTH); gsub(/<testcase name="|"/, "", s); split(s, p, " classname=");
      test = p[2] "." p[1]
    }
    match($0, /<(failure|error)( message="[^"]*")?/) {
      m = substr($0, RSTART, RLENGTH); sub(/<(failure|error)( message=")?/, "", m); sub(/"$/, "", m);
      gsub(/&lt;/, "<", m); gsub(/&gt;/, ">", m); gsub(/&quot;/, "\"", m); gsub(/&#10;/, " ", m); gsub(/&amp;/, "\&", m);
      printf "FAILED %s: %s  (%s)\n", test, substr(m, 1, 300), report
    }' "$f"
done
echo "tests: $((tests - failed - skipped)) passed, $failed failed, $skipped skipped"

#!/usr/bin/env bash
# make test-repeat: the Maven tiers N times in a row (default 10) on a clean clone of HEAD, with a busy loop
# burning the other CPU, as a loaded CI machine would. Prints one line per round and a closing count; the
# reports of a failed round are kept under the clone's rounds/ directory.
#   ROUNDS=10 STRESS_RUNS=40 scripts/test-repeat.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-10}
stress=${STRESS_RUNS:-40}
clone=$(mktemp -d /tmp/vhostpath-repeat.XXXXXX)
git clone -q . "$clone/src"
hog_cpu=$(( $(nproc) - 1 ))
taskset -c "$hog_cpu" sh -c 'while :; do :; done' &
hog=$!
trap 'kill $hog 2>/dev/null || true' EXIT
echo "test-repeat: $rounds rounds of mvn clean verify in $clone/src (stress tier $stress runs), CPU $hog_cpu kept busy"
passed=0 failed=0
for ((i = 1; i <= rounds; i++)); do
  start=$SECONDS
  if (cd "$clone/src" && mvn -B -q --no-transfer-progress -Dstyle.color=never clean verify \
        -Dvhostpath.stress.runs="$stress" >"$clone/round-$i.log" 2>&1); then
    passed=$((passed + 1)); verdict=green
  else
    failed=$((failed + 1)); verdict=RED
    mkdir -p "$clone/rounds/$i" && (cd "$clone/src" && cp -r --parents */target/*-reports */*/target/*-reports "$clone/rounds/$i" 2>/dev/null || true)
  fi
  echo "round $i: $verdict in $((SECONDS - start)) s (log $clone/round-$i.log)"
done
echo "test-repeat: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

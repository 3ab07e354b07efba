#!/usr/bin/env bash
# Builds the JDK 25 AOT cache of the worker next to its jar (<jar>.aot) from a training run: the worker as it
# starts for real (EAL, a port, the pool, polling, the summary) on net_null for two seconds. Start it with
# java -XX:AOTCache=<jar>.aot -jar <jar> ...; a cache is tied to the jar's path and the JVM: build it where it runs.
set -euo pipefail
jar=$(readlink -f "$1")
java=${VHOSTPATH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "${jar%.jar}.aot"
"$java" -XX:AOTCacheOutput="${jar%.jar}.aot" -Xlog:disable -Xlog:all=error:stderr -jar "$jar" --port null --port null \
  --mode macswap --duration 2s --warmup 0 --stats-interval 0 --http off --hugepages off --memory 512 \
  --file-prefix "vhostpath-aot-training-$$" --summary-json "$work/summary.json" > "$work/training.log" 2>&1 \
  || { cat "$work/training.log" >&2; exit 1; }
echo "AOT cache: ${jar%.jar}.aot ($(du -h "${jar%.jar}.aot" | cut -f1))"

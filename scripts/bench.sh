#!/usr/bin/env bash
# make bench: the Java worker against testpmd, side by side (see perf/.../SideBySide.java for the method).
#   make bench [ARGS="--rounds 5 --window 30"]
set -euo pipefail
cd "$(dirname "$0")/.."
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
exec "$java" -jar perf/target/vhostpath-perf.jar "$@"

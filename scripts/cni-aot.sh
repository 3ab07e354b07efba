#!/usr/bin/env bash
# Builds the JDK 25 AOT cache of the CNI plugin next to its jar (<jar>.aot) from a training run
# (io.vhostpath.cni.AotTraining: VERSION, ADD and DEL of both modes, IPAM through host-local when installed, the
# native layer) with the launcher's own JVM flags. A cache is tied to the jar's path: build it where the jar runs.
set -euo pipefail
jar=$(readlink -f "$1")
java=${VHOSTPATH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cni_dir=/usr/lib/cni
[[ -x /opt/cni/bin/host-local ]] && cni_dir=/opt/cni/bin
rm -f "${jar%.jar}.aot"
"$java" -XX:AOTCacheOutput="${jar%.jar}.aot" -Xlog:disable -Xlog:all=error:stderr -Xint \
  -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED -cp "$jar" io.vhostpath.cni.AotTraining \
  "$work" "$cni_dir" > "$work/training.log" 2>&1 || { cat "$work/training.log" >&2; exit 1; }
echo "AOT cache: ${jar%.jar}.aot ($(du -h "${jar%.jar}.aot" | cut -f1))"

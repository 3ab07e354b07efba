#!/usr/bin/env bash
# Builds the JDK 25 AOT cache of the CNI plugin next to its jar (<jar>.aot), by one training call through the
# launcher's own JVM flags: a DEL of an attachment that was never added, with host-local IPAM when it is installed.
# That loads what every call loads (config decoding, state cache, lock, OVSDB client, IPAM delegation, JSON out).
# An AOT cache is tied to the jar's path and timestamp: build it where the jar will run from.
set -euo pipefail
jar=$(readlink -f "$1")
java=${VHOSTPATH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ipam=""
for d in /opt/cni/bin /usr/lib/cni; do
  [[ -x $d/host-local ]] && { ipam=",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.255.0.0/30\",\"dataDir\":\"$work/ipam\"}"; cni_path=$d; break; }
done
conf="{\"cniVersion\":\"1.1.0\",\"name\":\"aot\",\"type\":\"vhostpath-cni\",\"bridge\":\"br0\",\"deviceID\":\"vdpa0\",\
\"stateDir\":\"$work/state\",\"ovsdbSocket\":\"$work/none.sock\"$ipam}"
rm -f "${jar%.jar}.aot"
echo "$conf" | CNI_COMMAND=DEL CNI_CONTAINERID=aot CNI_IFNAME=net1 CNI_PATH=${cni_path:-/nonexistent} \
  "$java" -XX:AOTCacheOutput="${jar%.jar}.aot" -Xlog:disable -Xlog:all=warning:stderr -XX:TieredStopAtLevel=1 \
  -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED -jar "$jar" >/dev/null
echo "AOT cache: ${jar%.jar}.aot ($(du -h "${jar%.jar}.aot" | cut -f1))"

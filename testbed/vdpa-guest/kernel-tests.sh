# Runs inside the guest (see guest.sh), from the repository root: the kernel tier of the tests.
set -u
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
# JIT-compiled code crashes the JVM now and then under QEMU's TCG: SIGSEGV a few bytes into a compiled method's
# entry, with C1 (seen often) and with C2 only (1 run in 5, the worker's MemorySessionImpl.checkValidStateRaw),
# where HotSpot patches code that another vCPU runs (nmethod entry barriers) and the emulator's translation cache
# serves the stale copy. The tier checks behaviour against the real kernel, not speed: interpret only.
export JAVA_TOOL_OPTIONS="-Xint"
control=vhost-vdpa/control/target
cni=secondary-cni/target
node=sriov-extension/node-agent/target
dp=sriov-extension/device-plugin/target
op=sriov-extension/controller/target
echo "guest: linux $(uname -r), vdpa modules: $(ls /sys/bus/vdpa/drivers | tr '\n' ' ')"
"$java" --enable-native-access=ALL-UNNAMED -jar "$control"/junit-platform-console-standalone.jar execute \
  --disable-banner --disable-ansi-colors --details=tree --include-tag=kernel \
  --class-path "$control/classes:$control/test-classes:$cni/classes:$cni/test-classes:$node/classes:$node/test-classes:$dp/classes:$dp/test-classes:$op/classes:$op/test-classes:$(cat "$control/kernel-test.classpath"):$(cat "$cni/kernel-test.classpath"):$(cat "$node/kernel-test.classpath"):$(cat "$dp/kernel-test.classpath"):$(cat "$op/kernel-test.classpath")" \
  --scan-class-path "$control/test-classes:$cni/test-classes:$node/test-classes:$dp/test-classes:$op/test-classes" --reports-dir /run/vp/results

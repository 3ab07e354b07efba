# Runs inside the guest: the vDPA control benchmark (library vs vdpa processes + shell sysfs writes), then node
# provisioning (node agent vs devlink + vdpa processes + shell sysfs writes).
set -u
control=vhost-vdpa/control/target
dp=sriov-extension/device-plugin/target
export JAVA_TOOL_OPTIONS="-XX:-TieredCompilation"   # C1 code is unreliable under TCG (see kernel-tests.sh); C2 crashes rarely
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
"$java" --enable-native-access=ALL-UNNAMED \
  -cp "$control/classes:$control/test-classes:$(cat "$control/kernel-test.classpath")" \
  io.vhostpath.vdpa.kernel.ControlBenchmark "$@" 2>&1 | grep -v '^Picked up JAVA_TOOL_OPTIONS'
"$java" --enable-native-access=ALL-UNNAMED \
  -cp "$dp/classes:$dp/test-classes:$(cat "$dp/kernel-test.classpath")" \
  io.vhostpath.deviceplugin.NodeProvisioningBenchmark "$@" 2>&1 | grep -v '^Picked up JAVA_TOOL_OPTIONS'

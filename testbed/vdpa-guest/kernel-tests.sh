# Runs inside the guest (see guest.sh), from the repository root: the kernel tier of the tests.
set -u
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
# C1-compiled code crashed the JVM now and then under QEMU's TCG (SIGSEGV at a C1 method's entry, likely its
# code patching racing the emulator's translation cache): these JVMs, and the workers they start, use C2 only.
export JAVA_TOOL_OPTIONS="-XX:-TieredCompilation"
control=vhost-vdpa/control/target
echo "guest: linux $(uname -r), vdpa modules: $(ls /sys/bus/vdpa/drivers | tr '\n' ' ')"
"$java" --enable-native-access=ALL-UNNAMED -jar "$control"/junit-platform-console-standalone.jar execute \
  --disable-banner --disable-ansi-colors --details=tree --include-tag=kernel \
  --class-path "$control/classes:$control/test-classes:$(cat "$control/kernel-test.classpath")" \
  --scan-class-path "$control/test-classes" --reports-dir /run/vp/results

# Runs inside the guest (see guest.sh), from the repository root: the kernel tier of the tests.
set -u
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
# JIT-compiled code crashes the JVM now and then under QEMU's TCG: SIGSEGV a few bytes into a compiled method's
# entry, with C1 (seen often) and with C2 only (1 run in 5, the worker's MemorySessionImpl.checkValidStateRaw),
# where HotSpot patches code that another vCPU runs (nmethod entry barriers) and the emulator's translation cache
# serves the stale copy. The tier checks behaviour against the real kernel, not speed: interpret only.
export JAVA_TOOL_OPTIONS="-Xint"
classpath= scan= # POSIX sh here: the guest's /bin/sh runs this
while read -r m; do # the modules with kernel-tagged tests, as scripts/kernel-test.sh built them
  classpath="$classpath$m/target/classes:$m/target/test-classes:$(cat "$m/target/kernel-test.classpath"):"
  scan="$scan$m/target/test-classes:"
done < testbed/vdpa-guest/kernel-modules
echo "guest: linux $(uname -r), vdpa modules: $(ls /sys/bus/vdpa/drivers | tr '\n' ' ')"
"$java" --enable-native-access=ALL-UNNAMED -jar vhost-vdpa/control/target/junit-platform-console-standalone.jar execute \
  --disable-banner --disable-ansi-colors --details=tree --include-tag=kernel --fail-if-no-tests \
  --class-path "${classpath%:}" --scan-class-path "${scan%:}" --reports-dir /run/vp/results

# Runs inside the guest: RFC 2544 through a kernel vDPA device. vdpa_sim_net loops every frame sent on its TX queue
# back to its RX queue, so the device under test is the simulator with vhost-vdpa and virtio_user in front of it.
# The Rfc2544 command's arguments are read from perf/target/kernel-rfc2544.args (scripts/kernel-test.sh writes them;
# the guest passes none to this script); the JSON and the trials' logs land in the results directory.
set -u
export JAVA_TOOL_OPTIONS="-XX:-TieredCompilation"   # C1 code is unreliable under TCG (see kernel-tests.sh)
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
vdpactl="$java -jar vhost-vdpa/control/target/vdpactl.jar"
# The simulator returns only frames sent to its own MAC (or broadcast): the probes go to it; its rings hold 256.
mac=02:11:22:33:44:55
$vdpactl dev provision name vdpa0 mgmtdev vdpasim_net mac $mac driver vhost_vdpa || exit 1
node=$(ls /sys/bus/vdpa/devices/vdpa0/vhost-vdpa-*/dev 2>/dev/null | head -1 | sed 's|.*/\(vhost-vdpa-[0-9]*\)/dev|/dev/\1|')
[ -c "$node" ] || { echo "rfc2544: no /dev/vhost-vdpa-N for vdpa0"; exit 1; }
"$java" -cp perf/target/vhostpath-perf.jar io.vhostpath.perf.Rfc2544 --port "vhost-vdpa:$node" --dst-mac $mac --descriptors 256 \
  --worker-jar vhost-vdpa/worker/target/vhostpath-worker.jar --out /run/vp/results/rfc2544.json \
  $(cat perf/target/kernel-rfc2544.args) > /tmp/rfc2544.out 2>&1
rc=$?
grep -v '^Picked up JAVA_TOOL_OPTIONS' /tmp/rfc2544.out
$vdpactl dev release vdpa0
exit $rc

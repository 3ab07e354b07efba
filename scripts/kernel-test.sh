#!/usr/bin/env bash
# make kernel-test: the real-kernel tier, inside the QEMU guest of testbed/vdpa-guest.
# make kernel-bench: the same build, then the vDPA control benchmark in the guest (scripts/kernel-test.sh bench).
# make kernel-rfc2544: RFC 2544 through vdpa_sim_net's /dev/vhost-vdpa-0 in the guest (scripts/kernel-test.sh rfc2544 ARGS);
#   the JSON lands in perf/target/kernel-rfc2544/.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn=(mvn -B -q -Dstyle.color=never)
mapfile -t modules < testbed/vdpa-guest/kernel-modules # the modules with kernel-tagged tests
# One reactor run, so that sibling modules (sys) resolve to their freshly built jars.
"${mvn[@]}" package dependency:build-classpath -DskipTests -pl "vhost-vdpa/worker,$(IFS=,; echo "${modules[*]}")" -am \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/kernel-test.classpath
# Sibling modules' jars lie in this checkout, which the guest sees at another path when it is under /tmp:
# make them relative to the checkout (the guest runs the tests from its root).
for m in "${modules[@]}"; do sed -i "s|$(pwd)/||g" "$m/target/kernel-test.classpath"; done
"${mvn[@]}" dependency:copy -pl vhost-vdpa/control -Dmdep.stripVersion=true -DoutputDirectory=target \
  -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1
if [[ ${1:-} == rfc2544 ]]; then
  shift
  "${mvn[@]}" package -DskipTests -pl perf -am
  rm -rf perf/target/kernel-rfc2544
  # Short trials by default: every trial starts a JVM, and under TCG that takes seconds.
  echo "${*:---sizes 64,1518 --trial 3 --warmup 3 --max-trials 8}" > perf/target/kernel-rfc2544.args
  # Each trial starts a JVM under TCG (~30 s with its warm-up and window): a search of 8 trials and 3 loads per size
  # outlasts the guest's default 15 minutes.
  VHOSTPATH_GUEST_TIMEOUT=${VHOSTPATH_GUEST_TIMEOUT:-3600} VHOSTPATH_GUEST_RESULTS=perf/target/kernel-rfc2544 \
    exec testbed/vdpa-guest/guest.sh run testbed/vdpa-guest/rfc2544.sh
fi
if [[ ${1:-} == bench ]]; then
  exec testbed/vdpa-guest/guest.sh run testbed/vdpa-guest/kernel-bench.sh
fi
rm -rf vhost-vdpa/control/target/kernel-reports
VHOSTPATH_GUEST_RESULTS=vhost-vdpa/control/target/kernel-reports exec testbed/vdpa-guest/guest.sh run testbed/vdpa-guest/kernel-tests.sh

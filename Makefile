# vhostpath: make targets are the user interface. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

JDK25 ?= /usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME := $(JDK25)
# Maven itself may run on JDK 25; its bundled Guava then warns about sun.misc.Unsafe.
export MAVEN_OPTS ?= --sun-misc-unsafe-memory-access=allow
MVN ?= mvn -B -q -Dstyle.color=never
WORKER_JAR := vhost-vdpa/worker/target/vhostpath-worker.jar
PERF_JAR := perf/target/vhostpath-perf.jar

# `make run ARGS="--mode txonly --size 128"` passes ARGS to the demo; see `make run ARGS=--help`.
ARGS ?=

CNI_BIN_DIR ?= /opt/cni/bin
CNI_JAR := secondary-cni/target/vhostpath-cni.jar

.PHONY: help setup check-jdk build crds images test test-repeat kernel-test kernel-bench kernel-rfc2544 run bench rfc2544 latency report micro install-cni bench-cni clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## install system packages (DPDK 22.11, testpmd, OVS, OVN, CNI plugins, podman), hugepages; idempotent
	@scripts/setup.sh

check-jdk:
	@$(JAVA_HOME)/bin/java -version 2>&1 | grep -q 'version "25' || \
	  { echo "error: JDK 25 not found at $(JAVA_HOME): install Temurin 25 there or run make JDK25=/path/to/jdk-25" >&2; exit 1; }

build: setup check-jdk ## compile, build the DPDK shim, package the worker and the CNI plugin (each with its AOT cache)
	$(MVN) -DskipTests package
	@scripts/cni-aot.sh $(CNI_JAR) 2>/dev/null
	@VHOSTPATH_JAVA=$(JAVA_HOME)/bin/java scripts/worker-aot.sh $(WORKER_JAR)

bench-cni: build ## CNI ADD/DEL wall time (p50/p99, JVM included) vs the Go bridge plugin, alternating; ROUNDS=200
	@scripts/bench-cni.sh

install-cni: build ## install the CNI plugin into CNI_BIN_DIR (/opt/cni/bin): launcher, jar, AOT cache
	install -d $(CNI_BIN_DIR)
	install -m 0755 bin/vhostpath-cni $(CNI_BIN_DIR)/vhostpath-cni
	install -m 0644 $(CNI_JAR) $(CNI_BIN_DIR)/vhostpath-cni.jar
	@VHOSTPATH_JAVA=$(JAVA_HOME)/bin/java scripts/cni-aot.sh $(CNI_BIN_DIR)/vhostpath-cni.jar 2>/dev/null
	@sed -i 's|^java=.*|java=$${VHOSTPATH_JAVA:-$(JAVA_HOME)/bin/java}|' $(CNI_BIN_DIR)/vhostpath-cni
	@echo "installed: $(CNI_BIN_DIR)/vhostpath-cni (JDK $(JAVA_HOME))"

test: setup check-jdk ## run every test tier: unit, real DPDK on virtual devices, real kernel vDPA (QEMU guest)
	@rc=0; mvn -B --no-transfer-progress -Dstyle.color=never clean verify || rc=$$?; \
	  [ $$rc -eq 0 ] && { scripts/kernel-test.sh || rc=$$?; }; scripts/test-summary.sh; exit $$rc

test-repeat: setup check-jdk ## the Maven tiers ROUNDS times (10) on a clean clone with the other CPU kept busy
	@scripts/test-repeat.sh

kernel-test: setup check-jdk ## the real-kernel tier alone: vDPA simulator in a QEMU guest (first run fetches ~300 MB)
	@scripts/kernel-test.sh

images: build ## container images (podman) of the controller, the node daemons, the KubeVirt sidecar and the worker, from Debian bases made here
	@scripts/images.sh

crds: check-jdk ## regenerate the CRDs from the controller's Java types into samples/deploy/crds
	$(MVN) -q -pl sriov-extension/controller -am -DskipTests process-classes
	cp sriov-extension/controller/target/classes/META-INF/fabric8/*.yml samples/deploy/crds/

kernel-bench: setup check-jdk ## in the guest: vDPA control and node provisioning vs vdpa/devlink processes + shell sysfs writes
	@scripts/kernel-test.sh bench

kernel-rfc2544: setup check-jdk ## in the guest: RFC 2544 through vdpa_sim_net's /dev/vhost-vdpa-0 (ARGS go to rfc2544); JSON in perf/target/kernel-rfc2544
	@scripts/kernel-test.sh rfc2544 $(ARGS)

run: build ## the main job: the worker on virtio_user over vhost-user, served by testpmd (no hardware)
	@scripts/run-demo.sh $(ARGS)

bench: build ## the worker against testpmd (and its pipeline against itself), paired rounds; writes perf/target/bench.json
	@scripts/bench.sh $(ARGS)

rfc2544: build ## RFC 2544 zero-loss throughput per frame size, then latency at 10/50/90% of it; ARGS="--dut java|testpmd" or "--port SPEC"
	@$(JAVA_HOME)/bin/java -cp $(PERF_JAR) io.vhostpath.perf.Rfc2544 $(ARGS)

latency: build ## round trip through testpmd macswap vs the Java worker macswap on the same probe, at fixed loads; writes perf/target/latency.json
	@$(JAVA_HOME)/bin/java -cp $(PERF_JAR) io.vhostpath.perf.LatencyVsC $(ARGS)

report: build ## HTML + PNG charts (perf/target/report) from perf/target/bench.json, running make bench first if there is none
	@[ -f perf/target/bench.json ] || scripts/bench.sh $(ARGS)
	@$(JAVA_HOME)/bin/java -Djava.awt.headless=true -cp $(PERF_JAR) io.vhostpath.perf.Report

micro: build ## JMH micro-benchmarks: per-burst cost of the downcalls, macswap, probe reading
	$(JAVA_HOME)/bin/java -cp $(PERF_JAR) org.openjdk.jmh.Main $(or $(ARGS),-prof gc)

clean: ## remove build outputs
	$(MVN) clean

#!/usr/bin/env bash
# make images: the daemons' container images, built with podman from a base made here from Debian packages
# (mmdebstrap from Debian's archive: no registry is pulled). Layout inside: /opt/vhostpath as in this checkout
# (bin/ launchers, the jars where they expect them), the host's JDK 25 at /opt/jdk.
#   localhost/vhostpath/base:bookworm       Debian 12 minbase + iproute2
#   localhost/vhostpath/base-dpdk:bookworm  the same + DPDK 22.11's libraries and the drivers the worker opens
#   localhost/vhostpath/operator:TAG        the controller
#   localhost/vhostpath/node:TAG            node agent (file and API modes), device plugin, vdpactl
#   localhost/vhostpath/kubevirt-hook:TAG   the KubeVirt sidecar (its entry point)
#   localhost/vhostpath/worker:TAG          the DPDK worker, with its AOT cache trained inside the image
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${TAG:-0.1.0}
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cache=${VHOSTPATH_IMAGE_CACHE:-/var/cache/vhostpath/images}
step() { echo "images: $*" >&2; }

# base_image NAME PACKAGES: Debian 12 minbase with PACKAGES (comma separated), made once and kept in $cache.
base_image() {
  local image=localhost/vhostpath/$1:bookworm tar=$cache/$1.tar
  podman image exists "$image" && return
  command -v mmdebstrap >/dev/null || { step "installing mmdebstrap"; apt-get install -y -q mmdebstrap >/dev/null; }
  mkdir -p "$cache"
  [[ -s $tar ]] || { step "making $1 from Debian packages (mmdebstrap, ~1 min)"; \
    mmdebstrap -q --variant=minbase --include="$2" bookworm "$tar.part" "deb http://deb.debian.org/debian bookworm main" \
      "deb http://deb.debian.org/debian bookworm-updates main" "deb http://deb.debian.org/debian-security bookworm-security main" \
      && mv "$tar.part" "$tar"; }
  step "importing $1"
  podman import -q "$tar" "$image" >/dev/null
}
base_image base iproute2,ca-certificates
# What the worker's shim links and the drivers behind its port kinds (virtio_user, vhost, null, ring, af_packet), with
# the mempool driver EAL needs: EAL loads every driver installed, so the image holds these and no more.
base_image base-dpdk iproute2,ca-certificates,librte-ethdev23,librte-net-virtio23,librte-net-vhost23,librte-net-null23,\
librte-net-ring23,librte-net-af-packet23,librte-mempool-ring23

for jar in sriov-extension/controller/target/vhostpath-operator.jar sriov-extension/node-agent/target/vhostpath-node-agent.jar \
           sriov-extension/device-plugin/target/vhostpath-device-plugin.jar vhost-vdpa/control/target/vdpactl.jar \
           kubevirt-hook/target/vhostpath-kubevirt-hook.jar vhost-vdpa/worker/target/vhostpath-worker.jar; do
  [[ -f $jar ]] || { echo "images: $jar is missing: run make build first" >&2; exit 1; }
done

ctx=target/images
rm -rf "$ctx" && mkdir -p "$ctx/jdk"
step "staging the JDK and the jars"
cp -a "$jdk/." "$ctx/jdk/"
stage() { # stage IMAGE FILE...: FILE keeps its path under /opt/vhostpath
  local dir=$ctx/$1; shift
  for f in "$@"; do mkdir -p "$dir/opt/vhostpath/$(dirname "$f")"; cp -a "$f" "$dir/opt/vhostpath/$f"; done
}
stage operator bin/vhostpath-controller sriov-extension/controller/target/vhostpath-operator.jar
stage node bin/vhostpath-node-agent bin/vhostpath-device-plugin bin/vdpactl sriov-extension/controller/target/vhostpath-operator.jar \
  sriov-extension/node-agent/target/vhostpath-node-agent.jar sriov-extension/device-plugin/target/vhostpath-device-plugin.jar \
  vhost-vdpa/control/target/vdpactl.jar
stage kubevirt-hook bin/vhostpath-kubevirt-hook kubevirt-hook/target/vhostpath-kubevirt-hook.jar
stage worker bin/vhostpath-worker vhost-vdpa/worker/target/vhostpath-worker.jar scripts/worker-aot.sh

# KubeVirt starts a binding plugin's sidecar image as it is: that image's entry point is the hook.
entrypoint() { [[ $1 == kubevirt-hook ]] && echo 'ENTRYPOINT ["/opt/vhostpath/bin/vhostpath-kubevirt-hook"]'; true; }
# The worker's AOT cache is tied to the jar's path and the JVM, so it is trained where it runs: in the image.
from() { [[ $1 == worker ]] && echo localhost/vhostpath/base-dpdk:bookworm || echo localhost/vhostpath/base:bookworm; }
train() {
  [[ $1 == worker ]] || return 0
  echo 'RUN VHOSTPATH_JAVA=/opt/jdk/bin/java /opt/vhostpath/scripts/worker-aot.sh /opt/vhostpath/vhost-vdpa/worker/target/vhostpath-worker.jar'
}
# This process's hard limit on open files: podman asks for more than these VMs' sandbox lets a build container have.
nofile=$(ulimit -Hn)
for image in operator node kubevirt-hook worker; do
  cat > "$ctx/Containerfile.$image" <<CONTAINERFILE
FROM $(from "$image")
COPY jdk /opt/jdk
COPY $image/opt/vhostpath /opt/vhostpath
ENV JAVA_HOME=/opt/jdk PATH=/opt/vhostpath/bin:/opt/jdk/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.title="vhostpath $image" org.opencontainers.image.version="$tag"
$(train "$image")
$(entrypoint "$image")
CONTAINERFILE
  step "building localhost/vhostpath/$image:$tag"
  podman build -q --pull=never --cgroup-manager=cgroupfs --ulimit "nofile=$nofile:$nofile" --ulimit nproc=4096:4096 \
    -f "$ctx/Containerfile.$image" -t "localhost/vhostpath/$image:$tag" "$ctx" >/dev/null
done
podman images --filter reference='localhost/vhostpath/*' --format '{{.Repository}}:{{.Tag}} {{.Size}}'

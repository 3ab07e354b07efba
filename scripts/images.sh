#!/usr/bin/env bash
# make images: the daemons' container images, built with podman from a base made here from Debian packages
# (mmdebstrap from Debian's archive: no registry is pulled). Layout inside: /opt/vhostpath as in this checkout
# (bin/ launchers, the jars where they expect them), the host's JDK 25 at /opt/jdk.
#   localhost/vhostpath/base:bookworm   Debian 12 minbase + iproute2
#   localhost/vhostpath/operator:TAG    the controller
#   localhost/vhostpath/node:TAG        node agent (file and API modes), device plugin, vdpactl
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${TAG:-0.1.0}
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cache=${VHOSTPATH_IMAGE_CACHE:-/var/cache/vhostpath/images}
base=localhost/vhostpath/base:bookworm
step() { echo "images: $*" >&2; }

if ! podman image exists "$base"; then
  command -v mmdebstrap >/dev/null || { step "installing mmdebstrap"; apt-get install -y -q mmdebstrap >/dev/null; }
  mkdir -p "$cache"
  [[ -s $cache/base.tar ]] || { step "making the base from Debian packages (mmdebstrap, ~1 min)"; \
    mmdebstrap -q --variant=minbase --include=iproute2,ca-certificates bookworm "$cache/base.tar.part" && mv "$cache/base.tar.part" "$cache/base.tar"; }
  step "importing the base"
  podman import -q "$cache/base.tar" "$base" >/dev/null
fi

for jar in sriov-extension/controller/target/vhostpath-operator.jar sriov-extension/node-agent/target/vhostpath-node-agent.jar \
           sriov-extension/device-plugin/target/vhostpath-device-plugin.jar vhost-vdpa/control/target/vdpactl.jar \
           kubevirt-hook/target/vhostpath-kubevirt-hook.jar; do
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

# KubeVirt starts a binding plugin's sidecar image as it is: that image's entry point is the hook.
entrypoint() { [[ $1 == kubevirt-hook ]] && echo 'ENTRYPOINT ["/opt/vhostpath/bin/vhostpath-kubevirt-hook"]'; true; }
for image in operator node kubevirt-hook; do
  cat > "$ctx/Containerfile.$image" <<CONTAINERFILE
FROM $base
COPY jdk /opt/jdk
COPY $image/opt/vhostpath /opt/vhostpath
ENV JAVA_HOME=/opt/jdk PATH=/opt/vhostpath/bin:/opt/jdk/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.title="vhostpath $image" org.opencontainers.image.version="$tag"
$(entrypoint "$image")
CONTAINERFILE
  step "building localhost/vhostpath/$image:$tag"
  podman build -q --pull=never -f "$ctx/Containerfile.$image" -t "localhost/vhostpath/$image:$tag" "$ctx" >/dev/null
done
podman images --filter reference='localhost/vhostpath/*' --format '{{.Repository}}:{{.Tag}} {{.Size}}'

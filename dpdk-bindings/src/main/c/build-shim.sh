#!/bin/sh
# Builds the DPDK shim into $1 (run by Maven in generate-resources).
set -eu
out=$1
src=$(dirname "$0")/vhostpath_dpdk.c
if ! pkg-config --exists 'libdpdk >= 22.11' 2>/dev/null; then
  echo "vhostpath: DPDK 22.11 development files not found (pkg-config libdpdk). Run 'make setup' or: apt-get install dpdk dpdk-dev libdpdk-dev" >&2
  exit 1
fi
mkdir -p "$out"
# Link the libraries by name even where nothing references them, so one lookup on the shim finds
# every DPDK symbol the Java bindings use.
${CC:-cc} -O3 -shared -fPIC -Wall -Wextra -Werror $(pkg-config --cflags libdpdk) "$src" \
  -o "$out/libvhostpath_dpdk.so" \
  -Wl,--no-as-needed -lrte_eal -lrte_ethdev -lrte_mempool -lrte_mbuf -lrte_bus_vdev -lrte_kvargs

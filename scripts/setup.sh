#!/usr/bin/env bash
# Installs what vhostpath needs on a Debian 12 machine, idempotently: DPDK 22.11 (libraries, headers,
# testpmd), a C compiler for the shim, the CNI tiers' components, and hugepages where the kernel can give them.
set -euo pipefail
# The CNI tiers: Open vSwitch (userspace and DPDK datapaths), OVN, the reference CNI plugins (IPAM), podman.
# The KubeVirt hook's: libvirt's schema check (virt-xml-validate, xmllint) and its QEMU driver (libvirtd, virsh).
# The benchmarks': tcpdump (the start-up race timestamps the first packet forwarded).
packages=(dpdk dpdk-dev libdpdk-dev gcc pkg-config make procps util-linux coreutils iproute2 tcpdump
  openvswitch-switch openvswitch-switch-dpdk ovn-central ovn-host containernetworking-plugins podman runc
  libvirt-clients libxml2-utils libvirt-daemon-driver-qemu qemu-system-x86)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then echo "setup: need root to install ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Hugepages make DPDK about twice as fast; without them everything still runs with --no-huge.
want=${VHOSTPATH_HUGEPAGES:-1024}
if [[ $(id -u) -eq 0 && -w /proc/sys/vm/nr_hugepages ]]; then
  have=$(cat /proc/sys/vm/nr_hugepages)
  if (( have < want )); then echo "$want" > /proc/sys/vm/nr_hugepages 2>/dev/null || true; fi
fi

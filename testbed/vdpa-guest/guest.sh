#!/usr/bin/env bash
# The real-kernel test bed: Debian's 6.12 kernel in a QEMU guest (TCG) with the vDPA simulator, the host's root
# filesystem shared read-only, and a read-write share for inputs and results.
#
#   guest.sh prepare          fetch packages, build the simulator modules and the initramfs (cached)
#   guest.sh run SCRIPT       boot, run SCRIPT (a shell script) inside as root, print its output, exit with its code;
#                             what SCRIPT leaves in /run/vp/results is copied to $VHOSTPATH_GUEST_RESULTS
#
# Cache: $VHOSTPATH_TESTBED_CACHE (default /var/cache/vhostpath/testbed/<kernel ABI>). Every step says what it
# does; a failing step names itself.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
step() { echo "testbed: $*" >&2; }
fail() { echo "testbed: FAILED at step '$current': $*" >&2; exit 1; }
current=start
trap 'rc=$?; [[ $rc -ne 0 && $current != done ]] && echo "testbed: step \"$current\" failed (exit $rc)" >&2; exit $rc' EXIT

resolve_kernel() {
  current="resolve kernel version"
  local pkg
  pkg=$(apt-cache depends linux-image-6.12-amd64 2>/dev/null | awk '/Depends: linux-image-6\.12\./ {print $2; exit}')
  if [[ -z $pkg ]]; then
    apt-get update -qq
    pkg=$(apt-cache depends linux-image-6.12-amd64 | awk '/Depends: linux-image-6\.12\./ {print $2; exit}')
  fi
  [[ -n $pkg ]] || fail "no linux-image-6.12-amd64 in the package archive (bookworm-security)"
  ABI=${pkg#linux-image-}
  CACHE=${VHOSTPATH_TESTBED_CACHE:-/var/cache/vhostpath/testbed/$ABI}
}

install_packages() {
  current="install packages"
  local want=(qemu-system-x86 busybox-static linux-source-6.12 "linux-headers-$ABI" gcc-12 make xz-utils cpio iproute2 kmod)
  local missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    step "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

fetch_kernel() {
  current="fetch kernel image"
  [[ -f $CACHE/kernel/boot/vmlinuz-$ABI ]] && return
  step "downloading linux-image-$ABI (not installed: unpacked into the cache)"
  mkdir -p "$CACHE/download" "$CACHE/kernel"
  (cd "$CACHE/download" && apt-get download -qq -o APT::Sandbox::User=root "linux-image-$ABI")
  dpkg -x "$CACHE"/download/linux-image-"$ABI"_*.deb "$CACHE/kernel"
}

build_simulator() {
  current="build vdpa_sim modules"
  [[ -f $CACHE/sim/vdpa_sim_net.ko ]] && return
  step "building vringh, vdpa_sim, vdpa_sim_net out of tree against linux-headers-$ABI"
  local src=$CACHE/sim
  rm -rf "$src" && mkdir -p "$src"
  tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1 --wildcards \
    '*/drivers/vhost/vringh.c' '*/drivers/vdpa/vdpa_sim/vdpa_sim.c' \
    '*/drivers/vdpa/vdpa_sim/vdpa_sim.h' '*/drivers/vdpa/vdpa_sim/vdpa_sim_net.c'
  cp "$src/drivers/vhost/vringh.c" "$src/drivers/vdpa/vdpa_sim/"* "$src/"
  printf 'obj-m := vringh.o vdpa_sim.o vdpa_sim_net.o\n' > "$src/Kbuild"
  kbuild "$src"
}

# Builds the modules whose sources are in $1 against the guest kernel's headers; extra make variables follow.
kbuild() {
  local src=$1
  shift
  make -s -C "/usr/src/linux-headers-$ABI" M="$src" CC=gcc-12 "$@" modules >"$src/build.log" 2>&1 ||
    fail "module build in $src: $(tail -n 20 "$src/build.log")"
}

build_netdevsim() {
  current="build netdevsim"
  [[ -f $CACHE/nsim/netdevsim.ko ]] && return
  step "building netdevsim out of tree against linux-headers-$ABI (simulated SR-IOV PF, devlink, VF representors)"
  local src=$CACHE/nsim
  rm -rf "$src" && mkdir -p "$src"
  tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=4 --wildcards '*/drivers/net/netdevsim/*'
  kbuild "$src" CONFIG_NETDEVSIM=m
}

# Modules the guest loads, in order (dependencies first): 9p for the shared root, then the vDPA stack, then
# netdevsim (needs psample) for the node agent's SR-IOV and devlink tests.
MODULES=(netfs 9pnet 9pnet_virtio 9p vhost_iotlb irqbypass vhost vdpa vhost_vdpa vringh vdpa_sim vdpa_sim_net
         failover net_failover virtio_net virtio_vdpa psample netdevsim)

build_initramfs() {
  current="build initramfs"
  [[ -f $CACHE/initrd.cpio.gz && $CACHE/initrd.cpio.gz -nt $here/init && $CACHE/initrd.cpio.gz -nt $here/guest.sh ]] && return
  step "building the initramfs (busybox + ${#MODULES[@]} modules)"
  local root=$CACHE/initramfs moddir=$CACHE/kernel/lib/modules/$ABI
  rm -rf "$root" && mkdir -p "$root"/{bin,dev,proc,sys,mnt/root,modules}
  cp /bin/busybox "$root/bin/busybox"
  for m in "${MODULES[@]}"; do
    local f
    if [[ -f $CACHE/sim/$m.ko ]]; then f=$CACHE/sim/$m.ko
    elif [[ -f $CACHE/nsim/$m.ko ]]; then f=$CACHE/nsim/$m.ko
    else f=$(find "$moddir/kernel" -name "$m.ko*" | head -1); fi
    [[ -n $f ]] || fail "module $m not found in linux-image-$ABI"
    case $f in
      *.xz) xz -dc "$f" > "$root/modules/$m.ko" ;;
      *.zst) zstd -qdc "$f" > "$root/modules/$m.ko" ;;
      *) cp "$f" "$root/modules/$m.ko" ;;
    esac
  done
  printf '%s\n' "${MODULES[@]}" > "$root/modules/order"
  cp "$here/init" "$root/init" && chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$CACHE/initrd.cpio.gz"
}

prepare() {
  resolve_kernel
  install_packages
  fetch_kernel
  build_simulator
  build_netdevsim
  build_initramfs
  current=done
}

run() {
  local script=$1
  [[ -f $script ]] || { echo "testbed: no script $script" >&2; exit 2; }
  prepare
  current="boot guest"
  local share
  share=$(mktemp -d /tmp/vhostpath-guest.XXXXXX)
  cp "$script" "$share/test.sh"
  # The guest runs test.sh with the working directory the host had, so relative paths keep their meaning.
  printf '%s\n' "$PWD" > "$share/cwd"
  # "max" without AVX: with AVX the JVM crashed once in a string intrinsic (SIGSEGV in C1 code) under QEMU 7.2's
  # TCG; a Nehalem model made the kernel oops while patching its text. SSE4.2, which DPDK needs, stays.
  step "booting linux $ABI under TCG (this takes a few seconds)"
  local rc=0
  timeout "${VHOSTPATH_GUEST_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg -cpu "${VHOSTPATH_GUEST_CPU:-max,-avx,-avx2,-fma,-f16c,-avx512f}" -smp 2 -m 2048 -machine q35 \
    -nographic -no-reboot -serial stdio -monitor none \
    -kernel "$CACHE/kernel/boot/vmlinuz-$ABI" -initrd "$CACHE/initrd.cpio.gz" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$share,mount_tag=vpshare,security_model=none,multidevs=remap" \
    </dev/null > "$share/console.log" 2>&1 || rc=$?
  current="collect results"
  cat "$share/output.log" 2>/dev/null || true
  # Kept even when the guest was cut off: what it wrote so far (a search's finished frame sizes) is measured.
  if [[ -n ${VHOSTPATH_GUEST_RESULTS:-} && -d $share/results ]]; then
    mkdir -p "$VHOSTPATH_GUEST_RESULTS" && cp -r "$share/results/." "$VHOSTPATH_GUEST_RESULTS/"
  fi
  if [[ ! -f $share/exit-code ]]; then
    echo "testbed: the guest wrote no exit code (qemu exit $rc); console:" >&2
    tail -n 40 "$share/console.log" >&2
    rm -rf "$share"
    exit 1
  fi
  local code
  code=$(cat "$share/exit-code")
  [[ -n ${VHOSTPATH_GUEST_KEEP:-} ]] && echo "testbed: results kept in $share" >&2 || rm -rf "$share"
  current=done
  [[ $code -eq 0 ]] || echo "testbed: the guest's test exited $code" >&2
  exit "$code"
}

case ${1:-} in
  prepare) prepare ;;
  run) shift; run "$@" ;;
  *) echo "usage: guest.sh prepare | run SCRIPT" >&2; exit 2 ;;
esac

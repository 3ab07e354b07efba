#!/usr/bin/env bash
# make bench-cni: wall time of CNI ADD and DEL, JVM start included, for vhostpath-cni (vhost-user mode on an OVS
# bridge, host-local IPAM) against the reference Go `bridge` plugin (linux bridge + veth, host-local IPAM), called
# alternately in one run, ROUNDS (200) times each, as a runtime calls them: one process per call, config on stdin.
# Prints p50/p99 per plugin and verb and the ratios; writes perf/target/bench-cni.json.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-200}
work=$(mktemp -d /tmp/vp-bench-cni.XXXXXX)
ns=vp-bench-$$
export OVS_RUNDIR=$work OVS_DBDIR=$work OVS_LOGDIR=$work OVS_SYSCONFDIR=$work
cleanup() {
  for d in ovs-vswitchd ovsdb-server; do [[ -f $work/$d.pid ]] && kill "$(cat "$work/$d.pid")" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  ip link del vp-bench-br 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ovsdb-tool create "$work/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server "$work/conf.db" --remote=punix:"$work/db.sock" --pidfile="$work/ovsdb-server.pid" 2>/dev/null \
  --unixctl="$work/ovsdb-server.ctl" --log-file="$work/ovsdb-server.log" --detach
vsctl() { ovs-vsctl --db=unix:"$work/db.sock" "$@"; }
vsctl --no-wait init
ovs-vswitchd unix:"$work/db.sock" --pidfile="$work/ovs-vswitchd.pid" --unixctl="$work/ovs-vswitchd.ctl" \
  --log-file="$work/ovs-vswitchd.log" --detach 2>/dev/null
vsctl add-br br-bench -- set Bridge br-bench datapath_type=netdev
ip netns add "$ns"
ipam() { echo "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"$1\",\"dataDir\":\"$work/ipam\"}"; }
ours="{\"cniVersion\":\"1.0.0\",\"name\":\"bench-vu\",\"type\":\"vhostpath-cni\",\"mode\":\"vhost-user\",\"bridge\":\"br-bench\",\
\"ovsdbSocket\":\"$work/db.sock\",\"stateDir\":\"$work/state\",\"socketDir\":\"$work/sock\",$(ipam 10.201.0.0/16)}"
theirs="{\"cniVersion\":\"1.0.0\",\"name\":\"bench-br\",\"type\":\"bridge\",\"bridge\":\"vp-bench-br\",$(ipam 10.202.0.0/16)}"
# One call: prints its wall time in microseconds; a failing call stops the benchmark with its answer.
call() { # plugin-path command container conf
  local t0 t1 out
  t0=$(date +%s%N)
  if ! out=$(echo "$4" | CNI_COMMAND=$2 CNI_CONTAINERID=$3 CNI_NETNS=/var/run/netns/$ns CNI_IFNAME=net1 \
      CNI_PATH=/usr/lib/cni "$1"); then
    echo "bench-cni: $1 $2 failed: $out" >&2; exit 1
  fi
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))
}
: > "$work/times"
echo "bench-cni: $rounds rounds, each: vhostpath ADD, bridge ADD, vhostpath DEL, bridge DEL ($(nproc) CPUs, $(uname -r))"
for i in $(seq 1 "$rounds"); do
  echo "vhostpath ADD $(call bin/vhostpath-cni ADD "vu$i" "$ours")" >> "$work/times"
  echo "bridge ADD $(call /usr/lib/cni/bridge ADD "br$i" "$theirs")" >> "$work/times"
  echo "vhostpath DEL $(call bin/vhostpath-cni DEL "vu$i" "$ours")" >> "$work/times"
  echo "bridge DEL $(call /usr/lib/cni/bridge DEL "br$i" "$theirs")" >> "$work/times"
done
pct() { grep "^$1 $2 " "$work/times" | awk '{print $3}' | sort -n | awk -v p="$3" '{v[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; printf "%.1f", v[i]/1000}'; }
mkdir -p perf/target
json="{\"rounds\":$rounds"
printf '%-10s %-4s %9s %9s\n' plugin verb "p50 ms" "p99 ms"
for verb in ADD DEL; do
  for plugin in vhostpath bridge; do
    p50=$(pct $plugin $verb 50); p99=$(pct $plugin $verb 99)
    printf '%-10s %-4s %9s %9s\n' "$plugin" "$verb" "$p50" "$p99"
    json+=",\"${plugin}_${verb,,}_p50_ms\":$p50,\"${plugin}_${verb,,}_p99_ms\":$p99"
  done
  r50=$(awk -v a="$(pct vhostpath $verb 50)" -v b="$(pct bridge $verb 50)" 'BEGIN {printf "%.2f", a/b}')
  echo "  $verb p50 ratio vhostpath/bridge: $r50"
  json+=",\"${verb,,}_p50_ratio\":$r50"
done
echo "$json}" > perf/target/bench-cni.json
echo "written: perf/target/bench-cni.json"

# Sourced by the demo and bench scripts: a testpmd process serving a vhost-user socket (net_vhost), pinned
# to one forwarding CPU, started and stopped cleanly with its EAL runtime directory removed.
#   backend_start SOCKET MODE CPU LOG [extra testpmd args...]   -> sets BACKEND_PID, BACKEND_PREFIX
#   backend_stop                                                -> SIGINT, wait, remove runtime dir

eal_memory_args() {
  local free
  free=$(awk '/HugePages_Free/ {f=$2} /Hugepagesize/ {s=$2} END {print f*s/1024}' /proc/meminfo)
  if (( ${free%.*} >= 512 )); then echo "--in-memory --single-file-segments"; else echo "--no-huge -m 512"; fi
}

# True when a process listens on unix socket $1.
socket_listening() {
  ss -xlH 2>/dev/null | awk '{print $5}' | grep -qxF "$1"
}

backend_start() {
  local sock=$1 mode=$2 cpu=$3 log=$4; shift 4
  local main_cpu=$(( cpu == 0 ? 1 : 0 ))
  # A socket file left by a killed backend passes [[ -S ]] while nobody listens: remove it first, and wait
  # below for a listener, not for the file.
  if [[ -S $sock ]] && ! socket_listening "$sock"; then
    echo "removing stale socket $sock (nobody listens on it)" >&2
    rm -f "$sock"
  elif [[ -e $sock ]]; then
    echo "error: $sock exists and is served by another process, or is not a socket" >&2
    return 1
  fi
  BACKEND_PREFIX=vhostpath-backend-$$-$RANDOM
  # testpmd's main lcore only sleeps between stats prints; its forwarding lcore polls on $cpu.
  dpdk-testpmd -l "$main_cpu,$cpu" --main-lcore "$main_cpu" $(eal_memory_args) --no-pci --no-telemetry \
    --file-prefix "$BACKEND_PREFIX" --vdev "net_vhost0,iface=$sock,queues=1" -- \
    --no-mlockall --total-num-mbufs 16384 --forward-mode="$mode" --port-topology=loop \
    --stats-period 1 "$@" >"$log" 2>&1 &
  BACKEND_PID=$!
  for _ in $(seq 100); do
    socket_listening "$sock" && return 0
    kill -0 "$BACKEND_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: testpmd backend did not create $sock; its log:" >&2
  tail -n 20 "$log" >&2
  backend_stop
  return 1
}

backend_stop() {
  if [[ -n ${BACKEND_PID:-} ]]; then
    kill -INT "$BACKEND_PID" 2>/dev/null || true
    wait "$BACKEND_PID" 2>/dev/null || true
    BACKEND_PID=
  fi
  [[ -n ${BACKEND_PREFIX:-} ]] && rm -rf "/var/run/dpdk/$BACKEND_PREFIX"
  return 0
}

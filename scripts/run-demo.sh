#!/usr/bin/env bash
# make run: the Java worker on a real virtio data path without hardware. Its port is virtio_user on a
# vhost-user socket served by testpmd (net_vhost, macswap: every packet is reflected); the two pollers sit
# on different CPUs. With DEVICE=/dev/vhost-vdpa-N the worker uses that vDPA device instead, alone.
#   make run [MODE=latency|io|macswap|txonly|rxonly] [DURATION=10s] [SIZE=64] [RATE=0] [DEVICE=...] [ARGS="..."]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/testpmd-backend.sh
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar=vhost-vdpa/worker/target/vhostpath-worker.jar
mode=${MODE:-latency}
common=(--mode "$mode" --duration "${DURATION:-10s}" --size "${SIZE:-64}" --rate "${RATE:-0}" --http 127.0.0.1:9464)

for a in "$@"; do
  [[ $a == -h || $a == --help || $a == -V || $a == --version ]] && exec "$java" -jar "$jar" "$a"
done
if [[ -n ${DEVICE:-} ]]; then
  exec "$java" -jar "$jar" --port "vhost-vdpa:$DEVICE" --cpus 1 "${common[@]}" "$@"
fi

work=$(mktemp -d /tmp/vhostpath-run.XXXXXX)
trap 'backend_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
echo "backend: testpmd (macswap) serving $work/vhost.sock on CPU 1"
backend_start "$work/vhost.sock" macswap 1 "$work/backend.log"
# A generating mode's first bursts seed nothing; io/macswap need a few bursts in flight to start the loop.
seed=()
[[ $mode == io || $mode == macswap ]] && seed=(--tx-first 8)
rc=0
"$java" -jar "$jar" --port "vhost-user:$work/vhost.sock" --cpus 0 "${common[@]}" "${seed[@]}" "$@" || rc=$?
backend_stop
echo "backend: $(grep -m1 -A1 'Forward statistics for port 0' "$work/backend.log" | tail -1 | tr -s ' ')"
exit $rc

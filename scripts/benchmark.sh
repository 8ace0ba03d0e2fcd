#!/usr/bin/env bash
# Rerunnable end-to-end benchmark: starts Vigil (fresh data dir, no demo fleet) on the chosen broker, drives it
# with `vigil loadgen`, prints the figures, stops everything. Loopback only.
#   scripts/benchmark.sh embedded  [messages] [rate]   the default embedded HiveMQ broker
#   scripts/benchmark.sh mosquitto [messages] [rate]   a Mosquitto of its own (no queue or in-flight limits)
# rate 0 = publish as fast as the broker accepts (saturation); a rate below saturation measures latency.
# On Mosquitto at saturation it then runs raw pub/sub of the same payloads on the same broker and prints the ratio;
# on the embedded broker with VIGIL_BENCH_PER_DEVICE=1 at saturation, into a Mosquitto of its own (below).
# KEEP_LOG=file keeps Vigil's log of the run; VIGIL_BENCH_DEVICES=10000 publishes as that many devices (1,000).
# VIGIL_BENCH_PER_DEVICE=1 (embedded only) publishes on one connection per device, each logged in as its device, else
# on 8 connections sharing the fleet login; VIGIL_BENCH_PAHO=1 publishes with Paho instead of scripts/mqtt-pub.c;
# VIGIL_BENCH_TIMELINE=1 prints latency by the second of publishing.
set -euo pipefail
cd "$(dirname "$0")/.."
broker=${1:-embedded}; messages=${2:-30000}; rate=${3:-0}
jar=${VIGIL_JAR:-target/vigil.jar}   # VIGIL_JAR=other.jar measures another build (A/B in one session)
java_bin=${VIGIL_JAVA:-java}          # VIGIL_JAVA=/path/to/bin/java runs the server on another JVM (the load generator keeps `java`)
[ -f "$jar" ] || mvn -q -B -DskipTests package
work=$(mktemp -d /tmp/vigil-bench-XXXXXX)
# shellcheck source=scripts/free-port.sh
source scripts/free-port.sh
http=$(free_port); mqtt=$(free_port); chain=$(free_port)
pids=()
cleanup() { [ -n "${KEEP_LOG:-}" ] && cp "$work/vigil.log" "$KEEP_LOG"; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export VIGIL_DATA_DIR=$work/data VIGIL_HTTP_PORT=$http VIGIL_SIMULATOR_DEVICES=0 VIGIL_ADMIN_TOKEN=bench-admin \
       VIGIL_VIEWER_TOKEN=bench-viewer VIGIL_GATEWAY_ID=gw-bench VIGIL_LEDGER_DEV_PORT=$chain \
       VIGIL_MQTT_TLS_PORT=0   # no TLS listener: its fixed 8883 made a run fail while the last one still held it
if [ "$broker" = mosquitto ]; then
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_inflight_messages 0\n' "$mqtt" > "$work/mosquitto.conf"
  mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)
  export VIGIL_MQTT_URL=tcp://127.0.0.1:$mqtt
else
  export VIGIL_MQTT_PORT=$mqtt
fi
# The server's JVM options as ./vigil run picks them (C1 only on 2 CPUs or fewer), unless VIGIL_JAVA_OPTS is set.
default_opts="-Xmx2g"; [ "$(nproc)" -le 2 ] && default_opts="$default_opts -XX:TieredStopAtLevel=1 -XX:+UseParallelGC -Xmn96m"
"$java_bin" ${VIGIL_JAVA_OPTS:-$default_opts} -jar "$jar" run > "$work/vigil.log" 2>&1 & pids+=($!); vigil_pid=$!
ready=
for _ in $(seq 1 240); do
  curl -sf -o /dev/null --cacert "$work/data/tls/ca.pem" "https://localhost:$http/health" 2>/dev/null && { ready=1; break; }
  kill -0 "${pids[-1]}" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ready" ]; then echo "Vigil did not start; the end of its log:" >&2; tail -20 "$work/vigil.log" >&2; exit 1; fi
# The publisher: scripts/mqtt-pub.c (libmosquitto, one thread), built here with gcc, so that publishing costs little
# CPU beside Vigil, as an outside load generator would; else Paho in the load generator (VIGIL_BENCH_PAHO=1 forces it).
c_publisher() {
  [ -z "${VIGIL_BENCH_PAHO:-}" ] && command -v gcc > /dev/null && ls /usr/lib/*/libmosquitto.so.1 > /dev/null 2>&1 \
    && gcc -O2 -o "$work/mqtt-pub" scripts/mqtt-pub.c -l:libmosquitto.so.1 2> "$work/gcc.log"
}
publisher_args() {
  local c=
  if c_publisher; then c=1; echo --publisher "$work/mqtt-pub"; fi
  if [ -n "${VIGIL_BENCH_PER_DEVICE:-}" ]; then
    [ -n "$c" ] || echo --per-device
  else
    echo --connections 8
  fi
}
echo "broker=$broker messages=$messages rate=${rate:-0} cores=$(nproc) server JVM: ${VIGIL_JAVA_OPTS:-$default_opts}"
java -jar target/vigil.jar loadgen --api "https://localhost:$http" --cacert "$work/data/tls/ca.pem" \
  --admin-token bench-admin --viewer-token bench-viewer --broker "tcp://127.0.0.1:$mqtt" \
  --devices "${VIGIL_BENCH_DEVICES:-1000}" --messages "$messages" --rate "$rate" --payloads-out "$work/payloads.txt" \
  $(publisher_args) \
  $([ -n "${VIGIL_BENCH_TIMELINE:-}" ] && echo --timeline) \
  --data-dir "$work/data" --server-pid "$vigil_pid" \
  | tee "$work/loadgen.txt"
# Raw broker pub/sub of the very same payloads, same broker, same number of QoS 1 connections, right after: the
# yardstick for Vigil's end-to-end rate (first publish to last received).
if [ "$broker" = mosquitto ] && [ "$rate" = 0 ] && command -v mosquitto_sub > /dev/null; then
  split -n l/8 -d "$work/payloads.txt" "$work/part-"
  mosquitto_sub -h 127.0.0.1 -p "$mqtt" -q 1 -t bench/raw -C "$messages" > /dev/null & sub=$!
  sleep 0.5
  start=$(date +%s%N)
  for part in "$work"/part-*; do mosquitto_pub -h 127.0.0.1 -p "$mqtt" -q 1 -t bench/raw -l < "$part" & done
  wait "$sub"
  raw=$(( messages * 1000000000 / ($(date +%s%N) - start) ))
  vigil=$(sed -n 's/^end-to-end accepted throughput: \([0-9]*\) msg\/s.*/\1/p' "$work/loadgen.txt")
  echo "raw broker pub/sub (mosquitto_pub -l x8 into mosquitto_sub, QoS 1, same payloads): $raw msg/s"
  awk -v v="$vigil" -v r="$raw" 'BEGIN { printf "ratio Vigil / raw pub/sub: %.3f\n", v / r }'
fi
# The embedded broker cannot be its own yardstick: it takes subscriptions to iot/logs from Vigil's gateway only. With
# a connection per device, the same payloads go over the same 1,000 connections (the same libmosquitto publisher)
# into a Mosquitto of its own, first publish to last received, as Vigil's rate is first publish to last stored.
if [ "$broker" = embedded ] && [ "$rate" = 0 ] && [ -n "${VIGIL_BENCH_PER_DEVICE:-}" ] && [ -x "$work/mqtt-pub" ] \
   && command -v mosquitto > /dev/null && command -v mosquitto_sub > /dev/null; then
  rawport=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_inflight_messages 0\n' \
    "$rawport" > "$work/raw.conf"
  mosquitto -c "$work/raw.conf" > "$work/raw-mosquitto.log" 2>&1 & pids+=($!)
  awk -v n="${VIGIL_BENCH_DEVICES:-1000}" '{ printf "d%d\t\t\t%s\n", (NR - 1) % n, $0 }' "$work/payloads.txt" > "$work/raw-lines"
  for _ in $(seq 1 50); do (exec 3<> "/dev/tcp/127.0.0.1/$rawport") 2> /dev/null && break; sleep 0.1; done
  mosquitto_sub -h 127.0.0.1 -p "$rawport" -q 1 -t iot/logs -C "$messages" > /dev/null & sub=$!
  sleep 0.5
  "$work/mqtt-pub" 127.0.0.1 "$rawport" 0 "$work/raw-sent" < "$work/raw-lines"
  wait "$sub"
  end=$(date +%s%3N)
  first=$(awk 'NR == 1 || $1 < m { m = $1 } END { printf "%d", m }' "$work/raw-sent")
  raw=$(( messages * 1000 / (end - first) ))
  vigil=$(sed -n 's/^end-to-end accepted throughput: \([0-9]*\) msg\/s.*/\1/p' "$work/loadgen.txt")
  echo "raw pub/sub yardstick (the same payloads and connections into a Mosquitto of its own, QoS 1): $raw msg/s"
  awk -v v="$vigil" -v r="$raw" 'BEGIN { printf "ratio Vigil / raw pub/sub: %.3f\n", v / r }'
elif [ "$broker" = embedded ] && [ "$rate" = 0 ]; then
  echo "no raw pub/sub yardstick for the embedded broker: it needs VIGIL_BENCH_PER_DEVICE=1, gcc with libmosquitto" \
    "(scripts/mqtt-pub.c) and mosquitto with mosquitto_sub"
fi

#!/usr/bin/env bash
# Cold start, A/B: process start to /health answering 200 (all parts up), on a fresh data dir each time (embedded broker, dev chain,
# demo fleet, as `./vigil run`), for each JVM option set given, alternated over ROUNDS rounds.
#   scripts/startup.sh ROUNDS "OPTIONS A" "OPTIONS B" ...     e.g. scripts/startup.sh 3 "" "-XX:SharedArchiveFile=x.jsa"
# An empty set means no options. VIGIL_JAR=other.jar measures another build. Prints one line per start, then medians.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; shift || true
[ $# -gt 0 ] || set -- ""
jar=${VIGIL_JAR:-target/vigil.jar}
[ -f "$jar" ] || mvn -q -B -DskipTests package
# shellcheck source=scripts/free-port.sh
source scripts/free-port.sh
results=$(mktemp)
pid=
work=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; [ -n "$work" ] && rm -rf "$work"; rm -f "$results"; }
trap cleanup EXIT
for round in $(seq 1 "$rounds"); do
  for i in $(seq 1 $#); do
    opts=${!i}
    work=$(mktemp -d /tmp/vigil-start-XXXXXX)
    http=$(free_port); mqtt=$(free_port); chain=$(free_port)
    started=$(date +%s%N)
    VIGIL_DATA_DIR=$work/data VIGIL_HTTP_PORT=$http VIGIL_MQTT_PORT=$mqtt VIGIL_LEDGER_DEV_PORT=$chain \
      VIGIL_MQTT_TLS_PORT=0 java $opts -jar "$jar" run > "$work/vigil.log" 2>&1 &
    pid=$!
    ready=
    for _ in $(seq 1 1200); do
      if curl -sf -o /dev/null -k "https://localhost:$http/health" 2>/dev/null; then ready=1; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    ms=$(( ($(date +%s%N) - started) / 1000000 ))
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=
    rm -rf "$work"; work=
    if [ -z "$ready" ]; then echo "round $round [${opts:-no options}]: did not start" >&2; exit 1; fi
    echo "round $round [${opts:-no options}]: ${ms} ms"
    echo "$i $ms" >> "$results"
  done
done
for i in $(seq 1 $#); do
  median=$(awk -v k="$i" '$1 == k {print $2}' "$results" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  echo "median [${!i:-no options}]: ${median} ms"
done

#!/usr/bin/env bash
# A/B of two builds on this noisy machine: runs scripts/benchmark.sh for jar A, then jar B, `rounds` times,
# alternating, and prints each run's server CPU a packet, throughput and ratio, then their medians. Throughput here
# varies ±15 % between runs of one jar, so compare medians of several rounds, and CPU a packet before msg/s.
#   scripts/ab.sh target/base.jar target/vigil.jar [rounds] [broker] [messages] [rate]
# Each jar must sit in target/ beside the lib/ it was built with (copy an older build's jar in as target/base.jar
# while its dependencies have not changed). Other benchmark settings (VIGIL_BENCH_PER_DEVICE, VIGIL_JAVA_OPTS ...)
# pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
a=${1:?jar A}; b=${2:?jar B}; rounds=${3:-3}; broker=${4:-mosquitto}; messages=${5:-30000}; rate=${6:-0}
out=$(mktemp -d /tmp/vigil-ab-XXXXXX)
trap 'rm -rf "$out"' EXIT
for i in $(seq 1 "$rounds"); do
  for side in A B; do
    jar=$a; [ "$side" = B ] && jar=$b
    VIGIL_JAR=$jar scripts/benchmark.sh "$broker" "$messages" "$rate" > "$out/run" 2>&1 || true
    cpu=$(sed -n 's/.*stored: .*, \([0-9]*\) us a packet.*/\1/p' "$out/run")
    tput=$(sed -n 's/^end-to-end accepted throughput: \([0-9]*\) msg\/s.*/\1/p' "$out/run")
    p99=$(sed -n 's/.* p99 \([0-9]*\) ms.*/\1/p' "$out/run" | head -n 1)
    ratio=$(sed -n 's/^ratio Vigil \/ raw pub\/sub: \([0-9.]*\).*/\1/p' "$out/run")
    lost=$(grep -c 'none lost' "$out/run" || true)
    echo "round $i $side ($jar): ${cpu:-?} us a packet, ${tput:-?} msg/s, p99 ${p99:-?} ms, ratio ${ratio:--}$([ "$lost" = 1 ] || echo ', NOT ALL STORED')"
    echo "$side ${cpu:-} ${tput:-}" >> "$out/all"
  done
done
median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) print "?"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
for side in A B; do
  cpu=$(awk -v s="$side" '$1 == s && $2 != "" {print $2}' "$out/all" | median)
  tput=$(awk -v s="$side" '$1 == s && $3 != "" {print $3}' "$out/all" | median)
  echo "median $side: $cpu us a packet, $tput msg/s"
done

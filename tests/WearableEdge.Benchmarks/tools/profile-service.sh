#!/usr/bin/env bash
# Measures (and optionally profiles) the service alone under the end-to-end benchmark's load, for
# finding where its CPU goes (docs/performance.md, "Where the service's time goes").
#
#   tests/WearableEdge.Benchmarks/tools/profile-service.sh N SAMPLES_PER_MESSAGE SECONDS [PERF_OUTPUT]
#
# N patients; SAMPLES_PER_MESSAGE 0 = realistic (vitals 1 Hz + 50 Hz motion per 0.5 s), 1 = one
# vitals sample per message. It starts Mosquitto on port 18830, the service (`e2e-consume --kind
# service`) and the load generator (`e2e-load`) from the Release build of the benchmark, waits
# WARM seconds (default 60: windows fill, tiered JIT settles), then reads the service's CPU time
# from /proc over SECONDS and prints CPU per message. With PERF_OUTPUT it records
# `perf record -g` meanwhile (JIT frames named through DOTNET_PerfMapEnabled).
# Extra environment for the service: SVCENV="DOTNET_x=y ..."; extra service arguments: SVCARGS.
set -euo pipefail
N=$1; SPM=$2; SECS=$3; PERF_OUT=${4:-}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
B=$ROOT/tests/WearableEdge.Benchmarks/bin/Release/net10.0/WearableEdge.Benchmarks
[ -x "$B" ] || { echo "build first: dotnet build -c Release tests/WearableEdge.Benchmarks" >&2; exit 2; }
WORK=$(mktemp -d)
PORT=18830
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n' "$PORT" > "$WORK/mosquitto.conf"
cleanup() { kill "${LP:-}" "${SP:-}" "${MP:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
/usr/sbin/mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 & MP=$!
sleep 1
cd "$ROOT"
# The children stop when their standard input closes: give them a pipe that stays open.
mkfifo "$WORK/hold"; exec 3<>"$WORK/hold"
env ${SVCENV:-} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "$B" e2e-consume --kind service --broker-port $PORT \
    --data "$WORK/data" ${SVCARGS:+--service-args "$SVCARGS"} <&3 > "$WORK/service.log" 2>&1 & SP=$!
sleep 4
"$B" e2e-load --broker-port $PORT --patients "$N" --samples-per-message "$SPM" <&3 > "$WORK/load.log" 2>&1 & LP=$!
sleep "${WARM:-60}"
messages() { grep -o '"messages":[0-9]*' "$WORK/service.log" | tail -1 | cut -d: -f2; }
ticks() { awk '{print $14+$15}' "/proc/$SP/stat"; }
M0=$(messages); T0=$(ticks)
if [ -n "$PERF_OUT" ]; then perf record -F 999 -g -p "$SP" -o "$PERF_OUT" -- sleep "$SECS" > /dev/null 2>&1; else sleep "$SECS"; fi
M1=$(messages); T1=$(ticks)
HZ=$(getconf CLK_TCK)
awk -v m=$((M1 - M0)) -v t=$((T1 - T0)) -v hz="$HZ" -v s="$SECS" 'BEGIN {
  printf "service: %d messages in %d s (%.0f msg/s), CPU %.2f s = %.1f us per message, %.3f cores\n", m, s, m / s, t / hz, t / hz * 1e6 / m, t / hz / s }'
grep VmRSS "/proc/$SP/status"

#!/usr/bin/env bash
# Notifications per second through de-duplication, rendering and routing (BENCHMARKS.md, "Notifications"): the real
# notification topology under exactly-once on an embedded broker, NotifyThroughputBenchmark, RUNS times (3), each in
# a JVM of its own. Writes docs/benchmarks/raw/notify-throughput.txt (replaced), one block per run.
#
#   docs/benchmarks/notify-throughput.sh                                   # 3 runs, about 6 minutes
#   RUNS=1 docs/benchmarks/notify-throughput.sh requests=50000 channels=push   # other options, see the class
#
# Build first: mvn -B -q -o install -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/notify-lib.sh"

args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(requests=50000 warmup=10000 users=5000 duplicates=0.2 channels=push,inapp)
name="${NAME:-throughput}"
: >"$out/notify-$name.txt"
for run in $(seq 1 "${RUNS:-3}"); do
  echo "=== run $run of ${RUNS:-3}" | tee -a "$out/notify-$name.txt"
  notify_run "$name" NotifyThroughputBenchmark "${args[@]}"
done

#!/usr/bin/env bash
# Request to provider call, p50/p99 (BENCHMARKS.md, "Notifications"): the notification topology under exactly-once
# plus NotificationSenders, the SMS sender calling TwilioSmsClient against an in-process WireMock stand-in, open loop
# at fixed rates; NotifyLatencyBenchmark in a JVM of its own. Writes docs/benchmarks/raw/notify-latency.txt (replaced).
#
#   docs/benchmarks/notify-latency.sh                                  # 100/s and 500/s, 30 s each, about 2 minutes
#   docs/benchmarks/notify-latency.sh rates=50 seconds=60              # other options, see the class
#
# Build first: mvn -B -q -o install -DskipTests
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/notify-lib.sh"

args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(users=1000 rates=100,500 seconds=30 warmup=5 jvmWarmup=10)
name="${NAME:-latency}"
: >"$out/notify-$name.txt"
notify_run "$name" NotifyLatencyBenchmark "${args[@]}"

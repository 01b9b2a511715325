#!/usr/bin/env bash
# The cost of EVENTLINE_DURABILITY=fsync: runs write benchmarks of http-suite.sh (POST /api/v1/urls at 50/s,
# ShortUrlRequested straight to Kafka) on fresh instances, alternating page-cache and fsync durability so that
# other work on the machine weighs on both alike, and writes docs/benchmarks/raw/durability-<mode>-<round>-<run>.txt;
# each file starts with the durability it was measured with.
#
#   docs/benchmarks/durability.sh                                  # page-cache, fsync, page-cache, fsync
#   DURABILITY_ORDER="fsync" DURABILITY_RUNS=kafka-produce docs/benchmarks/durability.sh
#
# The instances get rate-limit rules (EVENTLINE_RATELIMIT_RULES) that let one user create a million links a
# second: the default 20 writes per second per user would answer most of the runs' requests 429. Every request
# still takes the limiter's round trip through Kafka. The data directories are under TMPDIR (/tmp by default),
# which must be on a disk, not a tmpfs, where fsync costs nothing.
#
# Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/docs/benchmarks/raw"
read -r -a order <<<"${DURABILITY_ORDER:-page-cache fsync page-cache fsync}"
# 50/s: low enough for a busy 2-core machine to keep up, so the latency is the write's and not a queue's
export POST_RATES="${POST_RATES:-50}"
read -r -a runs <<<"${DURABILITY_RUNS:-post-${POST_RATES}rps kafka-produce}"
echo "data directories on: $(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $1, $2 }')"

rules="$(mktemp "${TMPDIR:-/tmp}/eventline-durability-rules.XXXXXX.yaml")"
trap 'rm -f "$rules"' EXIT
cat >"$rules" <<'RULES'
- domain: eventline
  descriptors:
    - key: endpoint
      value: "POST /api/v1/urls"
      descriptors:
        - key: user
          name: links-per-user
          rate_limit:
            unit: second
            requests_per_unit: 1000000
            algorithm: token_bucket
    - key: endpoint
      descriptors:
        - key: user
          name: writes-per-user
          rate_limit:
            unit: second
            requests_per_unit: 20
            algorithm: token_bucket
            burst: 40
RULES

declare -A round
for mode in "${order[@]}"; do
  round[$mode]=$((${round[$mode]:-0} + 1))
  results="$(mktemp -d "${TMPDIR:-/tmp}/eventline-durability.XXXXXX")"
  EVENTLINE_DURABILITY="$mode" EVENTLINE_RATELIMIT_RULES="$rules" OUT="$results" \
    WARMUP_SECONDS="${WARMUP_SECONDS:-30}" SETTLE_SECONDS="${SETTLE_SECONDS:-5}" \
    "$root/docs/benchmarks/http-suite.sh" "${runs[@]}"
  for file in "$results"/*.txt; do
    { echo "EVENTLINE_DURABILITY=$mode"; cat "$file"; } >"$out/durability-$mode-${round[$mode]}-$(basename "$file")"
  done
  rm -rf "$results"
done

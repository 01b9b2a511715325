#!/usr/bin/env bash
# Starts a fresh Eventline instance (own data dir, ports away from the usual ones) and measures what the rate
# limiter adds over HTTP (BENCHMARKS.md, "Rate limiter"): POST /api/v1/posts with the domain's default rules, whose
# posts-per-user rule sends every post through a check round trip, against the same endpoint with rules that match
# nothing on it (no round trip), in turns; then POST /api/v1/ratelimit/check alone, at a fixed rate and closed loop.
# Writes each tool output to docs/benchmarks/raw/ratelimit-<name>.txt, starting with the command, the uptime (load
# average) before and the rules in force, ending with the CPU the instance used and the uptime after; stops the
# instance.
#
#   docs/benchmarks/ratelimit-http.sh                                   # all of them, about 20 minutes
#   POST_RATE=50 PAIRS=3 docs/benchmarks/ratelimit-http.sh posts-50rps-rule-1 posts-50rps-none-1 ...
#                                                                       # only the named ones (the warm-up always runs)
#
# The load comes from RateLimitHttpLoad (streams-app/src/test/java/io/eventline/ratelimit/bench/), which runs on the
# load generator's runner and report: open loop, latency from each request's intended send time. Posts come from
# USERS (1000) users in turn, so at POST_RATE (100/s) each user posts every 10 s and the default 2 posts/s per user
# never refuses one: every request is admitted, with or without the round trip.
#
# Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package && mvn -B -o -q -pl streams-app test-compile
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
java_opts="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
export EVENTLINE_HTTP_PORT="${EVENTLINE_HTTP_PORT:-18480}"
export EVENTLINE_KAFKA_PORT="${EVENTLINE_KAFKA_PORT:-19492}"
export EVENTLINE_REGISTRY_PORT="${EVENTLINE_REGISTRY_PORT:-18481}"
url="http://localhost:$EVENTLINE_HTTP_PORT"
post_rate="${POST_RATE:-100}"
users="${USERS:-1000}"
check_rate="${CHECK_RATE:-200}"
measure="${MEASURE:-60s}"

# copies, so a rebuild during the runs cannot change what is measured
work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-ratelimit-bench.XXXXXX")"
cp "$root/web/target/eventline.jar" "$work/eventline.jar"
jar_version="eventline.jar built $(date -u -r "$root/web/target/eventline.jar" +%FT%TZ), tree at $(
  git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
cp "$root/producers/target/eventline-load.jar" "$work/eventline-load.jar"
mkdir -p "$work/classes/io/eventline/ratelimit"
cp -r "$root/streams-app/target/test-classes/io/eventline/ratelimit/bench" "$work/classes/io/eventline/ratelimit/"
cp -r "$root/streams-app/target/test-classes/io/eventline/bench" "$work/classes/io/eventline/"
export EVENTLINE_DATA_DIR="$work/data"
EVENTLINE_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
export EVENTLINE_JWT_SECRET
mkdir -p "$EVENTLINE_DATA_DIR" "$out"

pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "${BASH_SOURCE[0]}")/instance-lib.sh"
start_instance
admin="$(java -jar "$work/eventline.jar" token --admin rl-bench-admin)"

load() { java -cp "$work/eventline-load.jar:$work/classes" io.eventline.ratelimit.bench.RateLimitHttpLoad "$@"; }
rules_path="/api/v1/admin/ratelimit/rules"
put_rules() {
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    --data-binary "@$2" "$url$rules_path/$1"
}
show_rules() { curl -sf -H "Authorization: Bearer $admin" "$url$rules_path/$1" | jq -c '[.descriptors[] | {key, value}]'; }

# the eventline domain's rules as seeded (default-rules.yaml), rendered by the instance
curl -sf -H "Authorization: Bearer $admin" "$url$rules_path/eventline" | jq 'del(.version, .updatedAt, .updatedBy)' \
  >"$work/rules-default.json"
# the same without any rule that matches POST /api/v1/posts: the endpoint's own rule and the catch-all one go
jq '.descriptors |= map(select(.value != null and .value != "POST /api/v1/posts"))' "$work/rules-default.json" \
  >"$work/rules-none.json"
# the check API's domain: one counter per client, far above the load, so every check is admitted and decided
cat >"$work/rules-bench.json" <<'EOF'
{"descriptors": [{"key": "client", "name": "bench-per-client",
  "rate_limit": {"unit": "second", "requests_per_unit": 1000000000, "algorithm": "token_bucket"}}]}
EOF
put_rules bench "$work/rules-bench.json"

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"; }
machine_cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}

# bench NAME RULES ARGS...: the rules of domain eventline set to RULES (default|none), one run of the load, its
# output to the screen and to $out/ratelimit-NAME.txt
bench() {
  local name="$1" rules="$2"
  shift 2
  put_rules eventline "$work/rules-$rules.json"
  await_quiet
  local before after t0 t1 machine_before machine_after
  before="$(cpu_seconds)"
  machine_before="$(machine_cpu_seconds)"
  t0="$(date +%s.%N)"
  {
    echo "\$ java -cp producers/target/eventline-load.jar:streams-app/target/test-classes" \
      "io.eventline.ratelimit.bench.RateLimitHttpLoad $*"
    echo "uptime before: $(uptime) (nproc $(nproc)); $jar_version"
    echo "rules of domain eventline ($rules): $(show_rules eventline)"
    load "$@" || true
    after="$(cpu_seconds)"
    machine_after="$(machine_cpu_seconds)"
    t1="$(date +%s.%N)"
    echo "server cpu   $(echo "$after - $before" | bc) s in $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s" \
      "= $(printf '%.2f' "$(echo "($after - $before) / ($t1 - $t0)" | bc -l)") cores"
    echo "machine cpu  $(echo "$machine_after - $machine_before" | bc) s" \
      "= $(printf '%.2f' "$(echo "($machine_after - $machine_before) / ($t1 - $t0)" | bc -l)") of $(nproc) cores" \
      "(server, client and anything else running)"
    echo "uptime after: $(uptime)"
  } | tee "$out/ratelimit-$name.txt"
  echo
}

selected=("$@")
want() { [[ ${#selected[@]} -eq 0 ]] || [[ " ${selected[*]} " == *" $1 "* ]]; }

# a freshly started instance spends its first minutes compiling: load posts (through the limiter) and checks for a
# while, unmeasured, first
if [[ "${WARMUP_SECONDS:-150}" -gt 0 ]]; then
  echo "warming the instance up for ${WARMUP_SECONDS:-150}s"
  put_rules eventline "$work/rules-default.json"
  load posts url="$url" users="$users" rate="$post_rate" duration="${WARMUP_SECONDS:-150}s" warmup=0s >/dev/null &
  warm_posts=$!
  load check url="$url" rate="$check_rate" duration="${WARMUP_SECONDS:-150}s" warmup=0s >/dev/null &
  warm_checks=$!
  wait "$warm_posts" "$warm_checks" || true
fi

# with and without the round trip in turns, PAIRS (2) times, so a drift of the machine shows as a difference
# between pairs
for n in $(seq 1 "${PAIRS:-2}"); do
  name="posts-${post_rate}rps"
  want "$name-rule-$n" && bench "$name-rule-$n" default posts url="$url" users="$users" rate="$post_rate" \
    duration="$measure" warmup=20s interval=5s percentiles=true
  want "$name-none-$n" && bench "$name-none-$n" none posts url="$url" users="$users" rate="$post_rate" \
    duration="$measure" warmup=20s interval=5s percentiles=true
done
want "check-${check_rate}rps" && bench "check-${check_rate}rps" default check url="$url" rate="$check_rate" \
  duration="$measure" warmup=20s interval=5s percentiles=true
want check-saturation && bench check-saturation default check url="$url" concurrency=64 duration=30s warmup=10s \
  interval=5s
exit 0

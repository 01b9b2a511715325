#!/usr/bin/env bash
# Two Eventline instances on one machine (A embeds the broker and registry, B joins them), and what each spends
# while only A's sockets chat (BENCHMARKS.md, "Chat", "Two instances"):
#
#   1. both idle, warm, no socket open: 60 s
#   2. 1,000 sockets at A in 500 direct channels, 100 messages/s for 60 s after a 20 s warm-up (ws-chat)
#
# For each, the CPU seconds of each instance and, over 30 s of it, each instance's CPU per thread group
# (docs/benchmarks/thread-cpu.sh), and how many partitions each instance's socket hub reads
# (eventline_chat_hub_partitions). Users' partitions are spread over both instances, so B runs half of the stream
# work either way; what must not grow with A's sockets is B's delivery work, its hub.
# Output: docs/benchmarks/raw/chat-two-instances.txt. Stops both instances.
#
# Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
java_opts="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
http_a="${HTTP_PORT_A:-18580}"
http_b="${HTTP_PORT_B:-18582}"
kafka_port="${KAFKA_PORT:-19592}"
registry_port="${REGISTRY_PORT:-18581}"

hard="$(ulimit -Hn)"
if [[ "$hard" == unlimited ]] || ((hard > 65536)); then hard=65536; fi
ulimit -n "$hard"

work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-two-instances.XXXXXX")"
cp "$root/web/target/eventline.jar" "$root/producers/target/eventline-load.jar" "$work/"
cp "$root/docs/benchmarks/chat-rules.yaml" "$work/rules.yaml"
jar_version="eventline.jar built $(date -u -r "$root/web/target/eventline.jar" +%FT%TZ), tree at $(
  git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
EVENTLINE_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
EVENTLINE_METRICS_TOKEN="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
registry_user="bench:$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')"
export EVENTLINE_JWT_SECRET EVENTLINE_METRICS_TOKEN
export EVENTLINE_RATELIMIT_RULES="$work/rules.yaml"
mkdir -p "$out"

pid_a=""
pid_b=""
cleanup() {
  for p in $pid_b $pid_a; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME VAR=VALUE...: one instance with its own data dir, in the background; sets $started
start() {
  local name="$1"
  shift
  # shellcheck disable=SC2086
  env "$@" EVENTLINE_DATA_DIR="$work/$name" EVENTLINE_REGISTRY_USER_INFO="$registry_user" \
    java $java_opts -jar "$work/eventline.jar" run >"$work/$name.log" 2>&1 &
  started=$!
  for _ in $(seq 1 600); do
    grep -q '^Eventline ready: ' "$work/$name.log" && return
    kill -0 "$started" 2>/dev/null || { tail -20 "$work/$name.log"; exit 1; }
    sleep 0.5
  done
  echo "$name is not ready" >&2
  exit 1
}
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
hub_partitions() {
  curl -sf -H "Authorization: Bearer $EVENTLINE_METRICS_TOKEN" "http://localhost:$1/metrics" \
    | awk '/^eventline_chat_hub_partitions/ { s += $2 } END { printf "%d", s }'
}

start a EVENTLINE_HTTP_PORT="$http_a" EVENTLINE_KAFKA_PORT="$kafka_port" EVENTLINE_REGISTRY_PORT="$registry_port" \
  EVENTLINE_INSTANCE_ID=a EVENTLINE_WORKER_ID=1 EVENTLINE_ADVERTISED_URL="http://localhost:$http_a"
pid_a=$started
start b EVENTLINE_HTTP_PORT="$http_b" KAFKA_BOOTSTRAP_SERVERS="localhost:$kafka_port" \
  SCHEMA_REGISTRY_URL="http://localhost:$registry_port" SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO="$registry_user" \
  EVENTLINE_INSTANCE_ID=b EVENTLINE_WORKER_ID=2 EVENTLINE_ADVERTISED_URL="http://localhost:$http_b"
pid_b=$started
load() { java -jar "$work/eventline-load.jar" ws-chat --url "http://localhost:$http_a" "$@"; }

{
  echo "\$ docs/benchmarks/chat-two-instances.sh"
  echo "$jar_version; instances: $java_opts; machine load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))"
  # both instances compile their hot code and settle their tasks; then the measured phases
  echo "warming up: 60 s of 50 messages/s between 200 sockets at A"
  load --clients 200 --rate 50 --duration 60s --warmup 0s >/dev/null || true
  sleep 30

  # phase NAME DELAY COMMAND...: runs COMMAND; from DELAY seconds in, samples both instances for 30 s
  phase() {
    local name="$1" delay="$2" a0 b0 t0 a1 b1 t1
    shift 2
    a0="$(cpu_seconds "$pid_a")"
    b0="$(cpu_seconds "$pid_b")"
    t0="$(date +%s.%N)"
    (
      sleep "$delay"
      echo "A's hub reads $(hub_partitions "$http_a") partitions, B's $(hub_partitions "$http_b")" >"$work/hubs.txt"
      "$root/docs/benchmarks/thread-cpu.sh" "$pid_a" 30 >"$work/threads-a.txt" 2>&1 &
      "$root/docs/benchmarks/thread-cpu.sh" "$pid_b" 30 >"$work/threads-b.txt" 2>&1
      wait
    ) &
    local sampler=$!
    "$@"
    wait "$sampler" || true
    a1="$(cpu_seconds "$pid_a")"
    b1="$(cpu_seconds "$pid_b")"
    t1="$(date +%s.%N)"
    echo "== $name: $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s"
    echo "instance A cpu $(printf '%.2f' "$(echo "($a1 - $a0) / ($t1 - $t0)" | bc -l)") cores," \
      "instance B cpu $(printf '%.2f' "$(echo "($b1 - $b0) / ($t1 - $t0)" | bc -l)") cores"
    echo "$(cat "$work/hubs.txt") (${delay} s in)"
    echo "-- A's threads over 30 s from ${delay} s in"
    head -16 "$work/threads-a.txt"
    echo "-- B's threads over 30 s from ${delay} s in"
    head -16 "$work/threads-b.txt"
  }
  phase "both idle" 0 sleep 60
  phase "1,000 sockets at A, 100 messages/s" 40 load --mode pairs --clients 1000 --rate 100 --duration 60s \
    --warmup 20s --timeout 30s
  echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out/chat-two-instances.txt"

#!/usr/bin/env bash
# Starts a fresh Eventline instance (own data dir, ports away from the usual ones) and measures chat over WebSockets
# (BENCHMARKS.md, "Chat") with the load generator's ws-chat command:
#
#   idle-5000         5,000 sockets held idle (heartbeats only) for 60 s; the instance's heap (after a full GC) and
#                     RSS before and after, per connection
#   baseline          the warm instance's CPU per thread group with no socket open (chat-thread-cpu-baseline.txt)
#   pairs-<R>rps      1,000 sockets in 500 direct channels, R messages/s in all, for each R of PAIRS_RATES (50, 100,
#                     200), 60 s after a 20 s warm-up; send-to-receive latency, lost and duplicate messages
#   pairs-1000rps     the same at 1,000 messages/s, 30 s after a 10 s warm-up
#   pairs-closed-<K>  the same pairs, closed loop: K messages on their way, each until its recipient has it, for
#                     each K of PAIRS_CONCURRENCY (64): the most the instance sustains
#   groups-<R>rps     10 groups of 100 members (1,000 sockets), R messages/s for each R of GROUPS_RATES (5):
#                     R x 99 deliveries/s
#   bytes-<N>         one group of 100 connected members, 20 messages of N characters (100 and 100000 by default,
#                     BYTES_TEXT_LENGTHS), and the bytes the broker's logs grew by, per topic, per message and per
#                     delivery (ws-chat --kafka-bootstrap)
#   groups-closed-<K> the same groups, closed loop: K messages on their way, each until its 99th recipient has it,
#                     for each K of GROUPS_CONCURRENCY (4, 16, 64)
#
# Writes each tool output to docs/benchmarks/raw/chat-<name>.txt, starting with the command, the load average
# before and the instance's settings, ending with the CPU the instance and the whole machine used, the instance
# log's warnings and errors during the run, and the load average after; for the runs named in PROFILE (pairs at the
# first of PAIRS_RATES, and groups closed loop at the last of GROUPS_CONCURRENCY) also the instance's CPU per thread group over 30 s of the measured time
# (docs/benchmarks/thread-cpu.sh), in chat-thread-cpu-<name>.txt. Before each run it waits until the consumers of
# chat's topics have caught up with what the previous run left behind. Stops the instance.
#
#   docs/benchmarks/chat.sh                         # all of them, in the order above, about 30 minutes
#   docs/benchmarks/chat.sh pairs-100rps            # only the named ones (the instance warm-up always runs)
#   IDLE_CLIENTS=10000 docs/benchmarks/chat.sh idle-10000
#
# Settings: PAIRS_RATES, PAIRS_CONCURRENCY, PAIRS_CLIENTS (1000), GROUP_COUNT (10), GROUP_MEMBERS (100), GROUPS_RATES,
# GROUPS_CONCURRENCY, IDLE_CLIENTS (5000), MEASURE (60s), WARMUP_SECONDS (120, the instance warm-up, at
# WARMUP_RATE 50 messages/s between 200 sockets), NAME_SUFFIX (added to every file name, e.g. -rerun),
# QUIET_LOAD and QUIET_WAIT_SECONDS (see await_quiet in instance-lib.sh), EVENTLINE_JAVA_OPTS (the launcher's default); any
# EVENTLINE_EXACTLY_ONCE_* setting reaches the instance and is named in each file.
#
# Every user acts with a token signed with the instance's secret (EVENTLINE_JWT_SECRET, generated here), and
# /metrics is read with the metrics token (EVENTLINE_METRICS_TOKEN, generated here too). The instance is seeded
# with rate-limit rules (EVENTLINE_RATELIMIT_RULES) that are the defaults of the eventline domain except for socket
# handshakes: by default 60 per minute from one address, and every socket here comes from
# 127.0.0.1. Messages on a socket are not rate-limited. The open-file limit is raised to the hard limit (at most
# 65536) for the instance and the load generator alike.
#
# Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
java_opts="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
export EVENTLINE_HTTP_PORT="${EVENTLINE_HTTP_PORT:-18480}"
export EVENTLINE_KAFKA_PORT="${EVENTLINE_KAFKA_PORT:-19492}"
export EVENTLINE_REGISTRY_PORT="${EVENTLINE_REGISTRY_PORT:-18481}"
url="http://localhost:$EVENTLINE_HTTP_PORT"
read -r -a pairs_rates <<<"${PAIRS_RATES:-50 100 200}"
read -r -a pairs_concurrency <<<"${PAIRS_CONCURRENCY:-64}"
pairs_clients="${PAIRS_CLIENTS:-1000}"
groups="${GROUP_COUNT:-10}"
members="${GROUP_MEMBERS:-100}"
read -r -a groups_rates <<<"${GROUPS_RATES:-${GROUPS_RATE:-5}}"
read -r -a bytes_lengths <<<"${BYTES_TEXT_LENGTHS:-100 100000}"
read -r -a groups_concurrency <<<"${GROUPS_CONCURRENCY:-4 16 64}"
idle_clients="${IDLE_CLIENTS:-5000}"
measure="${MEASURE:-60s}"
suffix="${NAME_SUFFIX:-}"
profile="${PROFILE:-pairs-${pairs_rates[0]}rps groups-closed-${groups_concurrency[-1]}}"

for port in "$EVENTLINE_HTTP_PORT" "$EVENTLINE_KAFKA_PORT" "$EVENTLINE_REGISTRY_PORT"; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then
    echo "port $port is taken; set EVENTLINE_HTTP_PORT, EVENTLINE_KAFKA_PORT and EVENTLINE_REGISTRY_PORT" >&2
    exit 1
  fi
done

# a socket is a file descriptor on each side, and both sides are started from here
hard="$(ulimit -Hn)"
if [[ "$hard" == unlimited ]] || ((hard > 65536)); then hard=65536; fi
ulimit -n "$hard"

# copies, so a rebuild during the runs cannot change what is measured
work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-chat-bench.XXXXXX")"
cp "$root/web/target/eventline.jar" "$work/eventline.jar"
changes=""
[[ -z "$(git -C "$root" status --porcelain 2>/dev/null)" ]] || changes=" with uncommitted changes"
jar_version="eventline.jar built $(date -u -r "$root/web/target/eventline.jar" +%FT%TZ), tree at $(
  git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$changes"
cp "$root/producers/target/eventline-load.jar" "$work/eventline-load.jar"
export EVENTLINE_DATA_DIR="$work/data"
EVENTLINE_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
export EVENTLINE_JWT_SECRET
EVENTLINE_METRICS_TOKEN="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
export EVENTLINE_METRICS_TOKEN
export EVENTLINE_RATELIMIT_RULES="$work/rules.yaml"
mkdir -p "$EVENTLINE_DATA_DIR" "$out"

cp "$root/docs/benchmarks/chat-rules.yaml" "$EVENTLINE_RATELIMIT_RULES"

pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
  elif [[ -n "$pid" ]]; then
    echo "the instance stopped by itself; its log is kept in $work/instance.log" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
# fails the script, with the end of the instance's log, if the instance is gone
require_instance() {
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the instance is gone; the end of its log:" >&2
    tail -40 "$work/instance.log" >&2
    exit 1
  fi
}

source "$(dirname "${BASH_SOURCE[0]}")/instance-lib.sh"
start_instance

load() { java -jar "$work/eventline-load.jar" ws-chat --url "$url" "$@"; }
# records of chat's topics that their consumers (stream thread, socket hub) have yet to read, from /metrics
chat_lag() {
  curl -sf -H "Authorization: Bearer $EVENTLINE_METRICS_TOKEN" "$url/metrics" | awk '/^kafka_consumer_fetch_manager_records_lag\{.*topic="chat\./ { s += $2 }
    END { printf "%d", s }'
}
# waits until chat's consumers have caught up (at most DRAIN_WAIT_SECONDS, 15 minutes by default)
await_drained() {
  local waited=0 lag
  while lag="$(chat_lag)" && ((lag > 0)); do
    if ((waited >= ${DRAIN_WAIT_SECONDS:-900})); then
      echo "chat's consumers are still $lag records behind after ${waited} s; running anyway" >&2
      return
    fi
    ((waited % 60 == 0)) && echo "waiting for chat's consumers to catch up: $lag records behind" >&2
    sleep 5
    waited=$((waited + 5))
  done
}
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"; }
machine_cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}

# bench NAME DELAY ARGS...: one run of ws-chat, its output to the screen and to $out/chat-NAME.txt; if NAME is in
# PROFILE, the instance's CPU per thread group over 30 s from DELAY seconds after the start to
# $out/chat-thread-cpu-NAME.txt
bench() {
  local name="$1$suffix" delay="$2" profiler=""
  shift 2
  require_instance
  await_drained
  await_quiet
  require_instance
  local before after t0 t1 machine_before machine_after log_lines
  before="$(cpu_seconds)"
  machine_before="$(machine_cpu_seconds)"
  log_lines="$(wc -l <"$work/instance.log")"
  t0="$(date +%s.%N)"
  if [[ " $profile " == *" ${name%"$suffix"} "* ]]; then
    {
      sleep "$delay"
      echo "\$ docs/benchmarks/thread-cpu.sh \$PID 30   # from ${delay} s into chat-$name"
      echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg)"
      "$root/docs/benchmarks/thread-cpu.sh" "$pid" 30
      echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    } >"$out/chat-thread-cpu-$name.txt" 2>&1 &
    profiler=$!
  fi
  {
    echo "\$ java -jar producers/target/eventline-load.jar ws-chat --url $url $*" \
      | sed "s/--server-pid $pid/--server-pid \$PID/"
    echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc)); $jar_version"
    echo "instance: $java_opts;" \
      "open files $(ulimit -n); rules: default, handshakes per address unlimited$(
        env | grep -E '^EVENTLINE_EXACTLY_ONCE_' | sort | sed 's/^/; /' | tr -d '\n')"
    load "$@" || true
    after="$(cpu_seconds)"
    machine_after="$(machine_cpu_seconds)"
    t1="$(date +%s.%N)"
    echo "server cpu   $(echo "$after - $before" | bc) s in $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s" \
      "= $(printf '%.2f' "$(echo "($after - $before) / ($t1 - $t0)" | bc -l)") cores"
    echo "machine cpu  $(echo "$machine_after - $machine_before" | bc) s" \
      "= $(printf '%.2f' "$(echo "($machine_after - $machine_before) / ($t1 - $t0)" | bc -l)") of $(nproc) cores" \
      "(server, client and anything else running)"
    # the instance's warnings and errors during the run: how many, and the most frequent kinds (IDs and numbers
    # blanked, so one kind is one line)
    tail -n +"$((log_lines + 1))" "$work/instance.log" | grep -E ' (WARN|ERROR) ' >"$work/run-log.txt" || true
    echo "server log   $(wc -l <"$work/run-log.txt") WARN/ERROR lines during the run"
    sed -E 's/^[0-9:.]+ +//; s/\[[^]]*\] //; s/[0-9][0-9#.]{3,}/N/g' "$work/run-log.txt" | cut -c1-150 | sort \
      | uniq -c | sort -rn | head -5 | sed 's/^/             /'
    echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/chat-$name.txt"
  [[ -z "$profiler" ]] || wait "$profiler" || true
  echo
}

selected=("$@")
want() { [[ ${#selected[@]} -eq 0 ]] || [[ " ${selected[*]} " == *" $1 "* ]]; }

# idle first, so the heap it reads holds nothing of the other runs
want "idle-$idle_clients" && bench "idle-$idle_clients" 0 --mode idle --clients "$idle_clients" --hold "$measure" \
  --connect-rate 500 --interval 10s --server-pid "$pid" --full-gc --timeout 30s

# a freshly started instance spends its first minutes compiling: chat between fewer pairs for a while, unmeasured,
# at a rate it keeps up with
if [[ "${WARMUP_SECONDS:-120}" -gt 0 ]]; then
  await_drained
  echo "warming the instance up for ${WARMUP_SECONDS:-120}s"
  load --clients 200 --rate "${WARMUP_RATE:-50}" --duration "${WARMUP_SECONDS:-120}s" --warmup 0s >/dev/null || true
fi

# what the warm instance spends with no socket open, the floor under every figure above it
if want baseline; then
  await_drained
  await_quiet
  sleep 10
  {
    echo "\$ docs/benchmarks/thread-cpu.sh \$PID 30   # warm instance, no socket open, nothing sent"
    echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$root/docs/benchmarks/thread-cpu.sh" "$pid" 30
    echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } 2>&1 | tee "$out/chat-thread-cpu-baseline$suffix.txt"
fi

# connecting 1,000 sockets takes a while; the profile starts 10 s into the measured time
for rate in "${pairs_rates[@]}"; do
  want "pairs-${rate}rps" && bench "pairs-${rate}rps" 45 --mode pairs --clients "$pairs_clients" --rate "$rate" \
    --duration "$measure" --warmup 20s --interval 5s --percentiles --timeout 30s
done
for k in "${pairs_concurrency[@]}"; do
  want "pairs-closed-$k" && bench "pairs-closed-$k" 45 --mode pairs --clients "$pairs_clients" --concurrency "$k" \
    --duration "$measure" --warmup 20s --interval 5s --percentiles --timeout 30s
done
# the rate asked of chat: run last among the pairs, since what it leaves behind takes minutes to work off
want pairs-1000rps && bench pairs-1000rps 35 --mode pairs --clients "$pairs_clients" --rate 1000 --duration 30s \
  --warmup 10s --interval 5s --percentiles --timeout 30s
for rate in "${groups_rates[@]}"; do
  want "groups-${rate}rps" && bench "groups-${rate}rps" 45 --mode groups --groups "$groups" \
    --members "$members" --rate "$rate" --duration "$measure" --warmup 20s --interval 5s --timeout 60s
done
for length in "${bytes_lengths[@]}"; do
  want "bytes-$length" && bench "bytes-$length" 0 --mode groups --groups 1 --members "$members" --rate 2 \
    --duration 10s --warmup 0s --text-length "$length" --timeout 60s --kafka-bootstrap "localhost:$EVENTLINE_KAFKA_PORT"
done
for k in "${groups_concurrency[@]}"; do
  want "groups-closed-$k" && bench "groups-closed-$k" 45 --mode groups --groups "$groups" --members "$members" \
    --concurrency "$k" --duration "$measure" --warmup 20s --interval 5s --timeout 60s
done
exit 0

#!/usr/bin/env bash
# Kill drills on a local cluster (ops/local-cluster.sh: 3 brokers, 3 instances, nginx), under steady load:
#
#   ops/drills.sh instance          # kill -9 of instance 2, then its restart
#   ops/drills.sh broker            # kill -9 of broker 2, then its restart and the replicas catching up
#   ops/drills.sh all               # both, on one cluster
#   ops/drills.sh second-instance   # the README's "A second instance" (embedded broker + a second one), kill -9
#                                   # of the second, reads of 20 links through the survivor
#
# The load, through nginx: POST /api/v1/urls at 10/s (every acknowledged link recorded), GET /{code} of existing
# links at 30/s (and 10/s straight to instance 1, which shows standby answers nginx would retry elsewhere), and
# 12 chat sockets in direct pairs sending 4 messages/s that reconnect with backoff through
# GET /api/v1/chat/endpoint. Afterwards every acknowledged link must still redirect to its URL and every
# acknowledged chat message must have reached its recipient.
#
# Raw output: docs/benchmarks/raw/cluster-kill-instance.txt, cluster-kill-broker.txt, second-instance-kill.txt
# (DRILL_OUT=DIR writes them elsewhere). The cluster runs in EVENTLINE_CLUSTER_DIR (default
# ${TMPDIR:-/tmp}/eventline-drills) on EVENTLINE_CLUSTER_PORT_BASE (default 22000); it is started fresh (down
# --purge first) and stopped at the end unless DRILL_KEEP_UP=1. Needs web/target/eventline.jar and
# producers/target/eventline-load.jar (mvn -B -o -q -DskipTests -Dmaven.test.skip=true package), nginx, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export EVENTLINE_CLUSTER_PORT_BASE="${EVENTLINE_CLUSTER_PORT_BASE:-22000}"
export EVENTLINE_CLUSTER_DIR="${EVENTLINE_CLUSTER_DIR:-${TMPDIR:-/tmp}/eventline-drills}"
P="$EVENTLINE_CLUSTER_PORT_BASE"
CLUSTER="$ROOT/ops/local-cluster.sh"
RECOVERY="$ROOT/ops/drills/recovery.py"
LOAD_JAR="$ROOT/producers/target/eventline-load.jar"
JAR="$ROOT/web/target/eventline.jar"
RAW="${DRILL_OUT:-$ROOT/docs/benchmarks/raw}"
WORK="${TMPDIR:-/tmp}/eventline-drills-work-$P"
# a load the cluster keeps up with on 2 cores, so that the figures time the recovery rather than a backlog: at 50
# posts/s, 70 reads/s and 24 sockets (the *-saturated.txt runs) the writes fell minutes behind before any kill
POST_RATE="${DRILL_POST_RATE:-10}"
READ_RATE="${DRILL_READ_RATE:-30}"
DIRECT_READ_RATE="${DRILL_DIRECT_READ_RATE:-10}"
SOCKETS="${DRILL_SOCKETS:-12}"
CHAT_RATE="${DRILL_CHAT_RATE:-4}"
# seconds of load before the kill, and from the kill to the restart
BEFORE_KILL="${DRILL_BEFORE_KILL:-20}"
KILL_TO_RESTART="${DRILL_KILL_TO_RESTART:-60}"
# the load runs this long; the restart, the ready line and the group settling must fit in it
LOAD_SECONDS="${DRILL_LOAD_SECONDS:-300}"
LOAD_JAVA=(java -Xmx256m -XX:+UseSerialGC -jar "$LOAD_JAR")

fail() {
  echo "drills: $*" >&2
  exit 1
}

say() {
  echo "drills: $(date -u +%T) $*" >&2
}

now_ms() { date +%s%3N; }

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  if [[ "${DRILL_KEEP_UP:-0}" != 1 && -n "${CLUSTER_STARTED:-}" ]]; then
    "$CLUSTER" down >&2 || true
  fi
  if [[ -n "${SECOND_STARTED:-}" ]]; then
    stop_second_instances || true
  fi
}
trap cleanup EXIT

header() {
  local command="$1"
  echo "command: $command"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- web streams-app schemas \
    producers 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "date: $(date -u +%FT%TZ)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared)"
  [[ -z "${IDLE_LOAD:-}" ]] || echo "load average idle: $IDLE_LOAD"
  echo "settings: DRILL_LOAD_SECONDS=$LOAD_SECONDS DRILL_BEFORE_KILL=$BEFORE_KILL DRILL_KILL_TO_RESTART=$KILL_TO_RESTART"
  echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB"
}

# Creates links until RECORD holds N acknowledged ones (a busy machine times some out): make_links URL N RECORD
# TOKEN_ARGS...
make_links() {
  local url="$1" n="$2" record="$3" attempt
  shift 3
  : >"$record"
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    local have missing
    have="$(grep -vc '^pending:' "$record" || true)"
    missing=$((n - have))
    ((missing > 0)) || return 0
    "${LOAD_JAVA[@]}" http-post-urls --url "$url" "$@" --rate 5 --duration "$(((missing + 4) / 5))s" --warmup 0s \
      --timeout 30s --record "$record.part" >"$record.out" 2>&1 || true
    grep -v '^pending:' "$record.part" | head -n "$missing" >>"$record" || true
    sleep 2
  done
  fail "could not create $n links through $url (see $record.out)"
}

# Waits until the instances at URL (N of them) are all up and ready and each runs active tasks: wait_settled URL
# N TOKEN SECONDS
wait_settled() {
  local url="$1" n="$2" token="$3" deadline=$((SECONDS + $4))
  until curl -s -m 5 -H "Authorization: Bearer $token" "$url/api/v1/admin/cluster" | jq -e --argjson n "$n" '
    ([.instances[] | select(.up and .ready)] | length) == $n
    and ([.applications[].tasks[].active] | unique | length) == $n
    and ([.applications[].tasks[] | select(.active == null)] | length) == 0' >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 2
  done
}

# --- the cluster ----------------------------------------------------------------------------------------------

cluster_up() {
  [[ -f "$LOAD_JAR" && -f "$JAR" ]] || fail "build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package"
  command -v python3 >/dev/null || fail "python3 is missing"
  say "starting a fresh cluster in $EVENTLINE_CLUSTER_DIR (port base $P)"
  "$CLUSTER" down --purge >&2 || true
  CLUSTER_STARTED=1
  "$CLUSTER" up --brokers 3 --instances 3 >&2
  # shellcheck disable=SC1091
  source "$EVENTLINE_CLUSTER_DIR/cluster.env"
  rm -rf "$WORK" && mkdir -p "$WORK"
  say "issuing tokens"
  local u
  for u in 1 2 3 4 5; do
    java -jar "$EVENTLINE_JAR" token "drill-user-$u" --ttl 24h >"$WORK/token-$u" &
  done
  java -jar "$EVENTLINE_JAR" token drill-ops --admin --ttl 24h >"$WORK/token-admin" &
  wait
  ADMIN_TOKEN="$(<"$WORK/token-admin")"
  TOKEN_ARGS=()
  for u in 1 2 3 4 5; do TOKEN_ARGS+=(--token "$(<"$WORK/token-$u")"); done
  say "waiting for the group to settle over the 3 instances"
  wait_settled "$EVENTLINE_URL" 3 "$ADMIN_TOKEN" 600 || say "not settled after 600 s; going on"
  say "creating 100 links to read during the drills"
  make_links "$EVENTLINE_URL" 100 "$WORK/seed.tsv" "${TOKEN_ARGS[@]}"
  "${LOAD_JAVA[@]}" verify-urls --url "$EVENTLINE_URL" --record "$WORK/seed.tsv" --token "$ADMIN_TOKEN" \
    --attempts 30 >"$WORK/seed-verify.out" || fail "the links made before the drill do not all redirect: $WORK/seed-verify.out"
  READ_ARGS=()
  local code
  while IFS=$'\t' read -r code _; do
    [[ "$code" == pending:* ]] || READ_ARGS+=(--path "/$code")
  done <"$WORK/seed.tsv"
  ((${#READ_ARGS[@]} > 0)) || fail "no links to read"
  # what the cluster costs this machine before any load: on 2 cores six JVMs alone keep it busy
  sleep 60
  IDLE_LOAD="$(cut -d' ' -f1-3 /proc/loadavg) after 60 s with the cluster up and no load"
}

# Every instance up and ready and holding active tasks: the group has settled with all of them.
group_settled() {
  wait_settled "$EVENTLINE_URL" 3 "$ADMIN_TOKEN" 0
}

assignment() {
  curl -s -m 5 -H "Authorization: Bearer $ADMIN_TOKEN" "$EVENTLINE_URL/api/v1/admin/cluster" | jq -c '
    [.applications[] | {app: .application, active: ([.tasks[].active] | group_by(.) |
      map({key: (.[0] // "none"), value: length}) | from_entries)}]' 2>/dev/null || echo "(no answer)"
}

# Starts the load in the background; each part writes $WORK/<drill>-<part>.out.
start_load() {
  local drill="$1"
  say "load for ${LOAD_SECONDS}s: posts ${POST_RATE}/s, reads ${READ_RATE}/s (+${DIRECT_READ_RATE}/s to instance 1), $SOCKETS sockets"
  "${LOAD_JAVA[@]}" http-post-urls --url "$EVENTLINE_URL" "${TOKEN_ARGS[@]}" --rate "$POST_RATE" \
    --duration "${LOAD_SECONDS}s" --warmup 0s --timeout 10s --timeline --record "$WORK/$drill-acked.tsv" \
    >"$WORK/$drill-posts.out" 2>&1 &
  PIDS+=($!)
  "${LOAD_JAVA[@]}" http-get --url "$EVENTLINE_URL" "${READ_ARGS[@]}" --rate "$READ_RATE" \
    --duration "${LOAD_SECONDS}s" --warmup 0s --timeout 10s --timeline >"$WORK/$drill-reads.out" 2>&1 &
  PIDS+=($!)
  "${LOAD_JAVA[@]}" http-get --url "http://127.0.0.1:$((P + 10))" "${READ_ARGS[@]}" --rate "$DIRECT_READ_RATE" \
    --duration "${LOAD_SECONDS}s" --warmup 0s --timeout 10s --timeline >"$WORK/$drill-reads-instance-1.out" 2>&1 &
  PIDS+=($!)
  EVENTLINE_JWT_SECRET="$EVENTLINE_JWT_SECRET" "${LOAD_JAVA[@]}" ws-reconnect --url "$EVENTLINE_URL" \
    --clients "$SOCKETS" --rate "$CHAT_RATE" --duration "${LOAD_SECONDS}s" --connect-rate 10 --settle 120s \
    --user-prefix "drill-$drill" >"$WORK/$drill-sockets.out" 2>&1 &
  PIDS+=($!)
  # the kill is timed from when every part is sending
  local deadline=$((SECONDS + 180))
  until grep -q '^started' "$WORK/$drill-posts.out" 2>/dev/null && grep -q '^started' "$WORK/$drill-reads.out" \
    && grep -q '^started' "$WORK/$drill-reads-instance-1.out" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "the load did not start within 180 s (see $WORK)"
    sleep 0.5
  done
  # the sockets first create their channels; on a busy machine that can take minutes, and the drill goes on
  until grep -q 'connected at the first attempt' "$WORK/$drill-sockets.out" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "the sockets are not all connected yet; the drill goes on"
      echo "the chat sockets were not all connected when the drill began (channels still being created)" \
        >>"$WORK/$drill-events.txt"
      break
    fi
    sleep 0.5
  done
  LOAD_STARTED_MS="$(now_ms)"
}

wait_load() {
  say "waiting for the load to end"
  local pid status=0
  for pid in "${PIDS[@]}"; do
    wait "$pid" || status=1
  done
  PIDS=()
  return 0
}

sleep_until_ms() {
  local left=$(( ($1 - $(now_ms)) ))
  ((left <= 0)) || sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

figures() {
  local drill="$1" kill="$2" restart="$3"
  echo "## recovery figures (ops/drills/recovery.py over the timelines below; times from the kill unless said)"
  echo "# writes: POST /api/v1/urls through nginx"
  python3 "$RECOVERY" "$WORK/$drill-posts.out" http 2xx "$kill" "$restart"
  echo "# reads: GET /{code} through nginx"
  python3 "$RECOVERY" "$WORK/$drill-reads.out" http 3xx "$kill" "$restart"
  echo "# reads: GET /{code} straight to instance 1 (no nginx retry)"
  python3 "$RECOVERY" "$WORK/$drill-reads-instance-1.out" http 3xx "$kill" "$restart"
  echo "# chat sockets through nginx"
  python3 "$RECOVERY" "$WORK/$drill-sockets.out" sockets - "$kill" "$restart"
}

raw_outputs() {
  local drill="$1" part
  for part in posts reads reads-instance-1 sockets verify; do
    echo
    echo "## $part ($WORK/$drill-$part.out)"
    cat "$WORK/$drill-$part.out"
  done
}

verify_writes() {
  local drill="$1"
  say "checking every acknowledged link"
  "${LOAD_JAVA[@]}" verify-urls --url "$EVENTLINE_URL" --record "$WORK/$drill-acked.tsv" --token "$ADMIN_TOKEN" \
    --attempts 10 >"$WORK/$drill-verify.out" 2>&1 || true
}

# --- kill -9 of an instance -----------------------------------------------------------------------------------

drill_instance() {
  local out="$RAW/cluster-kill-instance.txt" kill restart ready settled
  local log="$WORK/instance-events.txt"
  : >"$log"
  start_load instance
  echo "assignment before: $(assignment)" >>"$log"
  sleep_until_ms $((LOAD_STARTED_MS + BEFORE_KILL * 1000))
  kill="$(now_ms)"
  "$CLUSTER" kill-instance 2 >&2
  echo "kill -9 instance-2 at $(date -u -d "@$((kill / 1000))" +%T) (epoch ms $kill); load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$log"
  sleep_until_ms $((kill + KILL_TO_RESTART * 1000))
  echo "assignment $KILL_TO_RESTART s after the kill: $(assignment)" >>"$log"
  restart="$(now_ms)"
  say "restarting instance-2"
  "$CLUSTER" start-instance 2 >&2
  ready="$(now_ms)"
  echo "start-instance 2 at $(date -u -d "@$((restart / 1000))" +%T) (epoch ms $restart); ready line after $(elapsed "$restart" "$ready") s" >>"$log"
  until group_settled; do
    (($(now_ms) - ready < 240000)) || break
    sleep 1
  done
  settled="$(now_ms)"
  echo "group settled with instance-2 holding active tasks $(elapsed "$ready" "$settled") s after its ready line ($(elapsed "$restart" "$settled") s after start-instance); load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$log"
  echo "assignment after: $(assignment)" >>"$log"
  wait_load
  verify_writes instance
  {
    header "ops/drills.sh instance"
    echo "cluster: 3 brokers (KRaft, replication factor 3, min.insync.replicas 2), 3 instances (standby replicas at the default), nginx on :$P"
    echo "load: posts ${POST_RATE}/s over 5 users, reads ${READ_RATE}/s of $((${#READ_ARGS[@]} / 2)) links through nginx and ${DIRECT_READ_RATE}/s straight to instance 1, $SOCKETS chat sockets sending ${CHAT_RATE}/s, ${LOAD_SECONDS} s"
    echo
    cat "$log"
    echo
    figures instance "$kill" "$restart"
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    raw_outputs instance
  } >"$out"
  say "wrote $out"
}

# --- kill -9 of a broker --------------------------------------------------------------------------------------

replicas() {
  "${LOAD_JAVA[@]}" kafka-replicas --bootstrap "$KAFKA_BOOTSTRAP_SERVERS" "$@"
}

drill_broker() {
  local out="$RAW/cluster-kill-broker.txt" kill restart started insync
  local log="$WORK/broker-events.txt"
  : >"$log"
  echo "replicas before: $(replicas 2>&1 | tail -1)" >>"$log"
  start_load broker
  sleep_until_ms $((LOAD_STARTED_MS + BEFORE_KILL * 1000))
  kill="$(now_ms)"
  "$CLUSTER" kill-broker 2 >&2
  echo "kill -9 broker-2 at $(date -u -d "@$((kill / 1000))" +%T) (epoch ms $kill); load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$log"
  sleep 10
  echo "replicas 10 s after the kill: $(replicas 2>&1 | tail -1)" >>"$log"
  sleep_until_ms $((kill + KILL_TO_RESTART * 1000))
  restart="$(now_ms)"
  say "restarting broker-2"
  "$CLUSTER" start-broker 2 >&2
  started="$(now_ms)"
  echo "start-broker 2 at $(date -u -d "@$((restart / 1000))" +%T) (epoch ms $restart); 'Kafka Server started' after $(elapsed "$restart" "$started") s" >>"$log"
  replicas --until-in-sync --timeout 5m >"$WORK/broker-replicas.out" 2>&1 || true
  insync="$(now_ms)"
  echo "every partition's replicas in sync again $(elapsed "$started" "$insync") s after broker-2 started ($(elapsed "$restart" "$insync") s after start-broker); checked once a second:" >>"$log"
  sed 's/^/  /' "$WORK/broker-replicas.out" >>"$log"
  wait_load
  verify_writes broker
  {
    header "ops/drills.sh broker"
    echo "cluster: 3 brokers (KRaft, replication factor 3, min.insync.replicas 2), 3 instances (standby replicas at the default), nginx on :$P"
    echo "load: posts ${POST_RATE}/s over 5 users, reads ${READ_RATE}/s of $((${#READ_ARGS[@]} / 2)) links through nginx and ${DIRECT_READ_RATE}/s straight to instance 1, $SOCKETS chat sockets sending ${CHAT_RATE}/s, ${LOAD_SECONDS} s"
    echo
    cat "$log"
    echo
    figures broker "$kill" "$restart"
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    raw_outputs broker
  } >"$out"
  say "wrote $out"
}

# --- the README's second instance -----------------------------------------------------------------------------

SECOND_DIR="${TMPDIR:-/tmp}/eventline-drills-second-$P"
FIRST_HTTP=$((P + 500))
SECOND_HTTP=$((P + 510))

start_second_instances() {
  [[ -f "$LOAD_JAR" && -f "$JAR" ]] || fail "build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package"
  rm -rf "$SECOND_DIR" && mkdir -p "$SECOND_DIR"
  # the jar ./eventline runs, copied so that a rebuild cannot change it under the drill; JVM options as ./eventline
  cp "$JAR" "$SECOND_DIR/eventline.jar"
  local opts="-Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5"
  local clean=()
  local name
  while IFS= read -r name; do clean+=(-u "$name"); done \
    < <(env | sed -n 's/^\(EVENTLINE_[A-Z0-9_]*\|SCHEMA_REGISTRY_[A-Z0-9_]*\|KAFKA_BOOTSTRAP_SERVERS\)=.*/\1/p')
  SECOND_STARTED=1
  say "starting the first instance (embedded broker), as ./eventline run; ports moved to $FIRST_HTTP.. to stay clear of others"
  (cd "$SECOND_DIR" && exec env "${clean[@]}" EVENTLINE_HTTP_PORT="$FIRST_HTTP" EVENTLINE_KAFKA_PORT=$((P + 592)) \
    EVENTLINE_REGISTRY_PORT=$((P + 581)) java $opts -jar eventline.jar run >first.log 2>&1) &
  echo $! >"$SECOND_DIR/first.pid"
  await_ready "$SECOND_DIR/first.log" first
  say "starting the second instance as the README says"
  (cd "$SECOND_DIR" && exec env "${clean[@]}" KAFKA_BOOTSTRAP_SERVERS=localhost:$((P + 592)) \
    SCHEMA_REGISTRY_URL=http://localhost:$((P + 581)) \
    SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO="$(cat data/registry-user-info)" \
    EVENTLINE_JWT_SECRET="$(cat data/jwt-secret)" EVENTLINE_HTTP_PORT="$SECOND_HTTP" \
    EVENTLINE_REGISTRY_PORT=$((P + 591)) EVENTLINE_INSTANCE_ID=eventline-2 EVENTLINE_WORKER_ID=1 \
    java $opts -jar eventline.jar run >second.log 2>&1) &
  echo $! >"$SECOND_DIR/second.pid"
  await_ready "$SECOND_DIR/second.log" second
}

await_ready() {
  local log="$1" name="$2" deadline=$((SECONDS + 900))
  until grep -q "Eventline ready: " "$log" 2>/dev/null; do
    kill -0 "$(<"$SECOND_DIR/$name.pid")" 2>/dev/null || { tail -20 "$log" >&2; fail "the $name instance exited"; }
    ((SECONDS < deadline)) || fail "the $name instance was not ready within 900 s ($log)"
    sleep 1
  done
}

stop_second_instances() {
  local name pid
  for name in second first; do
    [[ -f "$SECOND_DIR/$name.pid" ]] || continue
    pid="$(<"$SECOND_DIR/$name.pid")"
    kill -TERM "$pid" 2>/dev/null || continue
    local waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < 300)); do sleep 0.1; waited=$((waited + 1)); done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

drill_second_instance() {
  local out="$RAW/second-instance-kill.txt" kill
  start_second_instances
  local secret
  secret="$(cat "$SECOND_DIR/data/jwt-secret")"
  local token admin
  token="$(cd "$SECOND_DIR" && EVENTLINE_JWT_SECRET="$secret" java -jar eventline.jar token drill-user)"
  admin="$(cd "$SECOND_DIR" && EVENTLINE_JWT_SECRET="$secret" java -jar eventline.jar token drill-ops --admin)"
  say "waiting for the two instances to share the tasks"
  wait_settled "http://127.0.0.1:$FIRST_HTTP" 2 "$admin" 600 || say "not settled after 600 s; going on"
  say "creating 20 links"
  make_links "http://127.0.0.1:$FIRST_HTTP" 20 "$SECOND_DIR/links.tsv" --token "$token"
  "${LOAD_JAVA[@]}" verify-urls --url "http://127.0.0.1:$FIRST_HTTP" --record "$SECOND_DIR/links.tsv" \
    --token "$admin" --attempts 30 >"$SECOND_DIR/links-verify.out" || fail "the 20 links do not all redirect"
  "${LOAD_JAVA[@]}" verify-urls --url "http://127.0.0.1:$SECOND_HTTP" --record "$SECOND_DIR/links.tsv" \
    --token "$admin" --attempts 30 >>"$SECOND_DIR/links-verify.out" || fail "the 20 links do not all redirect"
  local paths=() code
  while IFS=$'\t' read -r code _; do [[ "$code" == pending:* ]] || paths+=(--path "/$code"); done <"$SECOND_DIR/links.tsv"
  local owners
  owners="$(curl -s -m 10 -H "Authorization: Bearer $admin" "http://127.0.0.1:$FIRST_HTTP/api/v1/admin/cluster" \
    | jq -c '[.applications[] | {app: .application, active: ([.tasks[].active] | group_by(.) |
      map({key: .[0], value: length}) | from_entries), standbys: ([.tasks[].standbys[]] | group_by(.) |
      map({key: .[0], value: length}) | from_entries)}]' 2>/dev/null || echo "(no answer)")"
  say "reading the $((${#paths[@]} / 2)) links through the first instance, each once a second; kill -9 of the second after 10 s"
  "${LOAD_JAVA[@]}" http-get --url "http://127.0.0.1:$FIRST_HTTP" "${paths[@]}" --rate "$((${#paths[@]} / 2))" \
    --duration 90s --warmup 0s --timeout 10s --timeline >"$SECOND_DIR/reads.out" 2>&1 &
  local reads=$!
  PIDS+=("$reads")
  until grep -q '^started' "$SECOND_DIR/reads.out" 2>/dev/null; do sleep 0.2; done
  sleep 10
  kill="$(now_ms)"
  kill -KILL "$(<"$SECOND_DIR/second.pid")"
  rm -f "$SECOND_DIR/second.pid"
  local load_at_kill
  load_at_kill="$(cut -d' ' -f1-3 /proc/loadavg)"
  wait "$reads" || true
  PIDS=()
  {
    header "ops/drills.sh second-instance"
    echo "setup: README \"A second instance\": the first instance as ./eventline run (embedded broker, default settings"
    echo "  but its ports: HTTP $FIRST_HTTP, Kafka $((P + 592)), registry $((P + 581))), the second joining it with the"
    echo "  README's variables (HTTP $SECOND_HTTP, registry $((P + 591))); standby replicas at the default"
    echo "  ($(grep -o 'EVENTLINE_STANDBY_REPLICAS[^|]*|[^|]*' "$ROOT/README.md" | head -1 | tr -s ' '))"
    echo "tasks before the kill: $owners"
    echo "links: $((${#paths[@]} / 2)), each read once a second through the first instance (GET /{code}, no redirect following)"
    echo "kill -9 of the second at $(date -u -d "@$((kill / 1000))" +%T) (epoch ms $kill), load average $load_at_kill"
    echo
    echo "## figures (ops/drills/recovery.py; times from the kill)"
    python3 "$RECOVERY" "$SECOND_DIR/reads.out" http 3xx "$kill"
    echo
    echo "## reads"
    cat "$SECOND_DIR/reads.out"
  } >"$out"
  say "wrote $out"
  stop_second_instances
  SECOND_STARTED=""
}

# --- main -----------------------------------------------------------------------------------------------------

(($#)) || usage
command -v jq >/dev/null || fail "jq is missing"
mkdir -p "$RAW"
case "$1" in
  instance) cluster_up; drill_instance ;;
  broker) cluster_up; drill_broker ;;
  all) cluster_up; drill_instance; drill_broker ;;
  second-instance) mkdir -p "$WORK"; drill_second_instance ;;
  -h | --help | help) usage ;;
  *) fail "unknown drill '$1' (instance, broker, all, second-instance)" ;;
esac

#!/usr/bin/env bash
# A real Eventline cluster on this machine: Apache Kafka brokers (KRaft), Eventline instances joining them with
# standby replicas, and nginx in front as the load balancer. See the README, "A local cluster".
#
#   ops/local-cluster.sh up [--brokers N (default 3)] [--instances N (default 3)] [--netns]
#   ops/local-cluster.sh status
#   ops/local-cluster.sh down [--purge]
#   ops/local-cluster.sh add-instance
#   ops/local-cluster.sh start-instance I | stop-instance I | kill-instance I
#   ops/local-cluster.sh start-broker B   | stop-broker B   | kill-broker B
#   ops/local-cluster.sh nginx-config [I...]     # prints the nginx configuration for instances I... and exits
#
# EVENTLINE_CLUSTER_DIR (default ${TMPDIR:-/tmp}/eventline-cluster) holds everything it starts and writes;
# EVENTLINE_CLUSTER_PORT_BASE (default 20000) = P: nginx on P, instance I on P+10*I (registry P+10*I+1),
# broker B on P+900+B (controller P+950+B).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPLATES="$ROOT/ops/local-cluster"
BUILT_JAR="$ROOT/web/target/eventline.jar"
DIR="${EVENTLINE_CLUSTER_DIR:-${TMPDIR:-/tmp}/eventline-cluster}"
HOST=127.0.0.1
STOP_WAIT_SECONDS=30
# a broker restarted under load on 2 cores has taken two minutes to print that it started
BROKER_START_SECONDS="${EVENTLINE_CLUSTER_BROKER_START_SECONDS:-300}"
INSTANCE_START_SECONDS=600
# as ./eventline runs the jar
INSTANCE_JAVA_OPTS="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
BROKER_JAVA_OPTS="${EVENTLINE_CLUSTER_BROKER_JAVA_OPTS:--Xms384m -Xmx384m -XX:+UseG1GC -XX:MaxGCPauseMillis=20}"

fail() {
  echo "local-cluster: $*" >&2
  exit 1
}

say() {
  echo "local-cluster: $*"
}

usage() {
  sed -n '5,12p' "${BASH_SOURCE[0]}" | sed 's/^#   //' >&2
  exit 2
}

# --- settings -------------------------------------------------------------------------------------------------

# The port base: the running cluster's (from cluster.env) wins; a different EVENTLINE_CLUSTER_PORT_BASE is an error.
port_base() {
  local wanted="${EVENTLINE_CLUSTER_PORT_BASE:-}"
  if [[ -f "$DIR/cluster.env" ]]; then
    local stored
    stored="$(sed -n 's/^export EVENTLINE_CLUSTER_PORT_BASE=//p' "$DIR/cluster.env")"
    if [[ -n "$wanted" && -n "$stored" && "$wanted" != "$stored" ]]; then
      fail "the cluster in $DIR uses EVENTLINE_CLUSTER_PORT_BASE=$stored, not $wanted (another EVENTLINE_CLUSTER_DIR for another cluster)"
    fi
    wanted="${wanted:-$stored}"
  fi
  wanted="${wanted:-20000}"
  [[ "$wanted" =~ ^[0-9]+$ ]] && ((wanted >= 1024 && wanted <= 65000)) \
    || fail "EVENTLINE_CLUSTER_PORT_BASE must be a number from 1024 to 65000, got '$wanted'"
  echo "$wanted"
}

P=""
nginx_port() { echo "$P"; }
instance_port() { echo $((P + 10 * $1)); }
registry_port() { echo $((P + 10 * $1 + 1)); }
broker_port() { echo $((P + 900 + $1)); }
controller_port() { echo $((P + 950 + $1)); }

# Reads cluster.env (written by `up`) into this shell.
load_cluster() {
  [[ -f "$DIR/cluster.env" ]] || fail "no cluster in $DIR (start one with: ops/local-cluster.sh up)"
  # shellcheck disable=SC1091
  source "$DIR/cluster.env"
  BROKERS="$EVENTLINE_CLUSTER_BROKERS"
  INSTANCES="$EVENTLINE_CLUSTER_INSTANCES"
  CLUSTER_ID="${EVENTLINE_CLUSTER_ID:-}"
}

bootstrap_servers() {
  local b servers=()
  for ((b = 1; b <= BROKERS; b++)); do
    servers+=("$HOST:$(broker_port "$b")")
  done
  (IFS=,; echo "${servers[*]}")
}

# --- processes: ops/lib/processes.sh ---------------------------------------------------------------------------

PROCESS_TAG=local-cluster
# shellcheck source=lib/processes.sh
source "$ROOT/ops/lib/processes.sh"

# --- brokers --------------------------------------------------------------------------------------------------

render_broker_properties() {
  local b="$1" voters=() v rf min_insync content
  for ((v = 1; v <= BROKERS; v++)); do
    voters+=("$v@$HOST:$(controller_port "$v")")
  done
  rf=$((BROKERS < 3 ? BROKERS : 3))
  min_insync=$((BROKERS < 2 ? BROKERS : 2))
  content="$(<"$TEMPLATES/server.properties")"
  content="${content//@NODE_ID@/$b}"
  content="${content//@VOTERS@/$(IFS=,; echo "${voters[*]}")}"
  content="${content//@HOST@/$HOST}"
  content="${content//@PORT@/$(broker_port "$b")}"
  content="${content//@CONTROLLER_PORT@/$(controller_port "$b")}"
  content="${content//@DATA_DIR@/$DIR/brokers/$b/data}"
  content="${content//@REPLICATION_FACTOR@/$rf}"
  content="${content//@MIN_INSYNC@/$min_insync}"
  printf '%s\n' "$content"
}

# Formats each broker's storage once, all with the cluster's ID. Transactions v1, as the embedded broker: after a
# kill -9 of a coordinator, the restarted one aborts every partition an open transaction touched.
format_brokers() {
  local cluster_id="$1" b pids=()
  for ((b = 1; b <= BROKERS; b++)); do
    [[ -f "$DIR/brokers/$b/data/meta.properties" ]] && continue
    # shellcheck disable=SC2086
    java $BROKER_JAVA_OPTS -cp "$DIR/eventline.jar" -Dlogback.configurationFile="$DIR/brokers/logback.xml" \
      kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$DIR/brokers/$b/server.properties" \
      --feature transaction.version=1 --ignore-formatted >>"$DIR/logs/broker-$b.log" 2>&1 &
    pids+=($!)
  done
  for b in "${pids[@]}"; do
    wait "$b" || fail "formatting a broker's storage failed (see $DIR/logs/broker-*.log)"
  done
}

start_brokers() {
  local b entries=() log
  for b in "$@"; do
    [[ -z "$(running_pid "broker-$b")" ]] || fail "broker-$b is already running"
    log="$DIR/logs/broker-$b.log"
    entries+=("broker-$b:$log:$(log_size "$log")")
    # shellcheck disable=SC2086
    spawn "broker-$b" "$log" java $BROKER_JAVA_OPTS -Dlogback.configurationFile="$DIR/brokers/logback.xml" \
      -cp "$DIR/eventline.jar" kafka.Kafka "$DIR/brokers/$b/server.properties"
  done
  say "waiting for broker(s) $* to start (a quorum needs a majority of the $BROKERS)"
  await_lines "$BROKER_START_SECONDS" "Kafka Server started" "${entries[@]}"
}

# --- instances ------------------------------------------------------------------------------------------------

# An instance's environment: its cluster settings over the caller's other EVENTLINE_* settings (e.g.
# EVENTLINE_DURABILITY=fsync), without the caller's Kafka and registry (a sourced cluster.env names instance 1's).
instance_env() {
  local i="$1"
  local -a unset_args=()
  local name
  while IFS= read -r name; do
    unset_args+=(-u "$name")
  done < <(env | sed -n 's/^\(SCHEMA_REGISTRY_[A-Z0-9_]*\|KAFKA_BOOTSTRAP_SERVERS\)=.*/\1/p')
  INSTANCE_ENV=(env "${unset_args[@]}"
    "KAFKA_BOOTSTRAP_SERVERS=$(bootstrap_servers)"
    "EVENTLINE_INSTANCE_ID=eventline-$i"
    "EVENTLINE_WORKER_ID=$i"
    "EVENTLINE_DATA_DIR=$DIR/instances/$i/data"
    "EVENTLINE_HTTP_HOST=$HOST"
    "EVENTLINE_HTTP_PORT=$(instance_port "$i")"
    "EVENTLINE_REGISTRY_HOST=$HOST"
    "EVENTLINE_REGISTRY_PORT=$(registry_port "$i")"
    "EVENTLINE_REGISTRY_USER_INFO=$(<"$DIR/secrets/registry-user-info")"
    "EVENTLINE_JWT_SECRET=$(<"$DIR/secrets/jwt-secret")"
    "EVENTLINE_METRICS_TOKEN=$(<"$DIR/secrets/metrics-token")"
    "EVENTLINE_TOPIC_REPLICATION_FACTOR=$((BROKERS < 3 ? BROKERS : 3))"
    "EVENTLINE_ADVERTISED_URL=http://$HOST:$(instance_port "$i")"
    "EVENTLINE_PUBLIC_URL=http://$HOST:$(nginx_port)"
    "EVENTLINE_SOCKET_URL=ws://$HOST:$(nginx_port)/ws"
    "EVENTLINE_TRUSTED_PROXIES=$HOST")
}

start_instances() {
  local i entries=() log
  for i in "$@"; do
    [[ -z "$(running_pid "instance-$i")" ]] || fail "instance-$i is already running"
    mkdir -p "$DIR/instances/$i"
    log="$DIR/logs/instance-$i.log"
    entries+=("instance-$i:$log:$(log_size "$log")")
    instance_env "$i"
    # shellcheck disable=SC2086
    spawn "instance-$i" "$log" "${INSTANCE_ENV[@]}" java $INSTANCE_JAVA_OPTS -jar "$DIR/eventline.jar" run
  done
  say "waiting for instance(s) $* to print their ready line"
  await_lines "$INSTANCE_START_SECONDS" "Eventline ready: " "${entries[@]}"
}

# --- nginx ----------------------------------------------------------------------------------------------------

require_nginx() {
  command -v nginx >/dev/null 2>&1 || fail "nginx is missing; install Debian's: sudo apt-get install -y nginx"
}

render_nginx_conf() {
  local i servers="" content
  for i in "$@"; do
    servers+="        server $HOST:$(instance_port "$i") max_fails=3 fail_timeout=1s;"$'\n'
  done
  content="$(<"$TEMPLATES/nginx.conf")"
  content="${content//@DIR@/$DIR}"
  content="${content//@LISTEN@/$HOST:$(nginx_port)}"
  content="${content//@UPSTREAM_SERVERS@$'\n'/$servers}"
  printf '%s\n' "$content"
}

write_nginx_conf() {
  mkdir -p "$DIR/nginx/temp"
  render_nginx_conf "$@" >"$DIR/nginx/nginx.conf.new"
  mv "$DIR/nginx/nginx.conf.new" "$DIR/nginx/nginx.conf"
}

nginx_args() {
  NGINX_ARGS=(-p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/logs/nginx-error.log")
}

start_nginx() {
  [[ -z "$(running_pid nginx)" ]] || fail "nginx is already running"
  nginx_args
  nginx -t -q "${NGINX_ARGS[@]}" || fail "nginx refused $DIR/nginx/nginx.conf"
  nginx "${NGINX_ARGS[@]}" || fail "nginx did not start (see $DIR/logs/nginx-error.log)"
  local waited=0
  while [[ -z "$(running_pid nginx)" ]] && ((waited < 50)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  [[ -n "$(running_pid nginx)" ]] || fail "nginx did not start (see $DIR/logs/nginx-error.log)"
}

reload_nginx() {
  nginx_args
  nginx -t -q "${NGINX_ARGS[@]}" || fail "nginx refused $DIR/nginx/nginx.conf"
  if [[ -n "$(running_pid nginx)" ]]; then
    nginx "${NGINX_ARGS[@]}" -s reload
  else
    start_nginx
  fi
}

# --- cluster files --------------------------------------------------------------------------------------------

random_secret() {
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

ensure_secret() {
  local file="$DIR/secrets/$1"
  [[ -s "$file" ]] && return 0
  (umask 077 && printf '%s\n' "$2" >"$file")
}

# A Kafka cluster ID: 16 random bytes, URL-safe base64 without padding, not starting with '-' (as Kafka's own).
random_cluster_id() {
  local id
  while true; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && echo "$id" && return 0
  done
}

write_cluster_env() {
  local file="$DIR/cluster.env"
  (umask 077 && cat >"$file.new" <<EOF
# The local cluster's settings: source this file to reach it (ops/local-cluster.sh writes it).
export EVENTLINE_URL=http://$HOST:$(nginx_port)
export KAFKA_BOOTSTRAP_SERVERS=$(bootstrap_servers)
export EVENTLINE_JWT_SECRET=$(<"$DIR/secrets/jwt-secret")
export EVENTLINE_METRICS_TOKEN=$(<"$DIR/secrets/metrics-token")
export SCHEMA_REGISTRY_URL=http://$HOST:$(registry_port "${INSTANCES%% *}")
export SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=$(<"$DIR/secrets/registry-user-info")
export EVENTLINE_CLUSTER_BROKERS=$BROKERS
export EVENTLINE_CLUSTER_INSTANCES="$INSTANCES"
export EVENTLINE_JAR=$DIR/eventline.jar
export EVENTLINE_CLUSTER_PORT_BASE=$P
export EVENTLINE_CLUSTER_ID=$CLUSTER_ID
EOF
  )
  mv "$file.new" "$file"
}

all_processes() {
  local b i names=()
  for i in $INSTANCES; do names+=("instance-$i"); done
  names+=(nginx)
  for ((b = 1; b <= BROKERS; b++)); do names+=("broker-$b"); done
  echo "${names[*]}"
}

running_any() {
  local name
  for name in $(all_processes); do
    [[ -n "$(running_pid "$name")" ]] && return 0
  done
  return 1
}

print_urls() {
  local i
  echo
  echo "  Eventline (nginx):   http://$HOST:$(nginx_port)    chat sockets: ws://$HOST:$(nginx_port)/ws"
  for i in $INSTANCES; do
    echo "  instance-$i:          http://$HOST:$(instance_port "$i")   registry http://$HOST:$(registry_port "$i")"
  done
  echo "  Kafka:               $(bootstrap_servers)"
  echo "  settings:            source $DIR/cluster.env"
  echo "  admin token:         java -jar \$EVENTLINE_JAR token --admin ops"
  echo "  logs:                $DIR/logs/{broker-B,instance-I,nginx-access,nginx-error}.log"
}

# --- commands -------------------------------------------------------------------------------------------------

cmd_up() {
  local brokers=3 instances=3 netns=0
  while (($#)); do
    case "$1" in
      --brokers) [[ $# -ge 2 ]] || fail "--brokers needs a number"; brokers="$2"; shift 2 ;;
      --instances) [[ $# -ge 2 ]] || fail "--instances needs a number"; instances="$2"; shift 2 ;;
      --netns) netns=1; shift ;;
      *) fail "up: unknown argument '$1' (up [--brokers N] [--instances N] [--netns])" ;;
    esac
  done
  [[ "$brokers" =~ ^[0-9]+$ ]] && ((brokers >= 1 && brokers <= 9)) || fail "--brokers must be 1 to 9, got '$brokers'"
  [[ "$instances" =~ ^[0-9]+$ ]] && ((instances >= 1 && instances <= 31)) \
    || fail "--instances must be 1 to 31 (a worker ID each), got '$instances'"
  ((netns == 0)) || fail "--netns is not supported yet: every process shares this host's loopback"
  P="$(port_base)"
  [[ -f "$BUILT_JAR" ]] || fail "$BUILT_JAR is missing; build it with: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package"
  command -v java >/dev/null 2>&1 || fail "java is missing (Java 17 or later)"
  require_nginx

  CLUSTER_ID=""
  if [[ -f "$DIR/cluster.env" ]]; then
    load_cluster
    running_any && fail "the cluster in $DIR is already running (ops/local-cluster.sh status, or down first)"
    ((EVENTLINE_CLUSTER_BROKERS == brokers)) \
      || fail "the cluster in $DIR has $EVENTLINE_CLUSTER_BROKERS brokers; down --purge to start one with $brokers"
    CLUSTER_ID="$EVENTLINE_CLUSTER_ID"
  fi
  BROKERS="$brokers"
  INSTANCES="$(seq -s ' ' 1 "$instances")"
  CLUSTER_ID="${CLUSTER_ID:-$(random_cluster_id)}"

  # private data (chat text, e-mail addresses, device tokens, secrets); nginx's workers only pass through $DIR
  umask 077
  mkdir -p "$DIR"/{brokers,instances,nginx/temp,run,logs,secrets}
  chmod 711 "$DIR" "$DIR/nginx" "$DIR/nginx/temp"
  ensure_secret jwt-secret "$(random_secret)"
  ensure_secret metrics-token "$(random_secret)"
  ensure_secret registry-user-info "eventline:$(random_secret)"
  cp "$BUILT_JAR" "$DIR/eventline.jar.new" && mv "$DIR/eventline.jar.new" "$DIR/eventline.jar"
  cp "$TEMPLATES/broker-logback.xml" "$DIR/brokers/logback.xml"
  local b
  for ((b = 1; b <= BROKERS; b++)); do
    mkdir -p "$DIR/brokers/$b"
    render_broker_properties "$b" >"$DIR/brokers/$b/server.properties"
  done
  write_cluster_env
  write_nginx_conf $INSTANCES

  say "cluster $CLUSTER_ID in $DIR: $BROKERS broker(s), instance(s) $INSTANCES, port base $P"
  format_brokers "$CLUSTER_ID"
  # shellcheck disable=SC2046
  start_brokers $(seq 1 "$BROKERS")
  # shellcheck disable=SC2086
  start_instances $INSTANCES
  start_nginx
  say "up"
  print_urls
}

cmd_down() {
  local purge=0
  case "${1:-}" in
    "") ;;
    --purge) purge=1 ;;
    *) fail "down: unknown argument '$1' (down [--purge])" ;;
  esac
  [[ $# -le 1 ]] || fail "down takes at most --purge"
  if [[ ! -f "$DIR/cluster.env" ]]; then
    ((purge)) && [[ -d "$DIR" ]] && fail "$DIR holds no cluster.env; not deleting a directory this script did not make"
    say "no cluster in $DIR"
    return 0
  fi
  P="$(port_base)"
  load_cluster
  local i b names=()
  for i in $INSTANCES; do names+=("instance-$i"); done
  # instances first, while the brokers they write to are there; then nginx, then the brokers
  stop_processes "${names[@]}"
  stop_processes nginx
  names=()
  for ((b = 1; b <= BROKERS; b++)); do names+=("broker-$b"); done
  stop_processes "${names[@]}"
  if ((purge)); then
    rm -rf -- "$DIR"
    say "stopped; deleted $DIR"
  else
    say "stopped; data kept in $DIR (down --purge deletes it)"
  fi
}

cmd_add_instance() {
  [[ $# -eq 0 ]] || fail "add-instance takes no arguments"
  P="$(port_base)"
  load_cluster
  local i next=0
  for i in $INSTANCES; do ((i > next)) && next="$i"; done
  next=$((next + 1))
  ((next <= 31)) || fail "no worker ID left: instances are numbered up to 31"
  umask 077
  start_instances "$next"
  INSTANCES="$INSTANCES $next"
  write_cluster_env
  write_nginx_conf $INSTANCES
  reload_nginx
  say "instance-$next is up at http://$HOST:$(instance_port "$next") and behind nginx"
}

instance_number() {
  local i="${1:-}"
  [[ "$i" =~ ^[0-9]+$ ]] || fail "name an instance by its number, e.g. 2"
  [[ " $INSTANCES " == *" $i "* ]] || fail "no instance $i in this cluster (instances: $INSTANCES)"
}

broker_number() {
  local b="${1:-}"
  [[ "$b" =~ ^[0-9]+$ ]] && ((b >= 1 && b <= BROKERS)) || fail "no broker '$b' in this cluster (brokers: 1 to $BROKERS)"
}

cmd_instance() {
  local action="$1"
  shift
  [[ $# -eq 1 ]] || fail "$action-instance takes one instance number"
  P="$(port_base)"
  load_cluster
  instance_number "$1"
  case "$action" in
    start) umask 077; start_instances "$1"; say "instance-$1 is ready" ;;
    stop)
      [[ -n "$(running_pid "instance-$1")" ]] || fail "instance-$1 is not running"
      stop_processes "instance-$1"; say "instance-$1 stopped" ;;
    kill) kill_process "instance-$1" ;;
  esac
}

cmd_broker() {
  local action="$1"
  shift
  [[ $# -eq 1 ]] || fail "$action-broker takes one broker number"
  P="$(port_base)"
  load_cluster
  broker_number "$1"
  case "$action" in
    start) umask 077; start_brokers "$1"; say "broker-$1 started" ;;
    stop)
      [[ -n "$(running_pid "broker-$1")" ]] || fail "broker-$1 is not running"
      stop_processes "broker-$1"; say "broker-$1 stopped" ;;
    kill) kill_process "broker-$1" ;;
  esac
}

http_status() {
  curl -s -o /dev/null -m "${2:-3}" -w '%{http_code}' "$1" 2>/dev/null || true
}

cmd_status() {
  [[ $# -eq 0 ]] || fail "status takes no arguments"
  P="$(port_base)"
  load_cluster
  echo "cluster $EVENTLINE_CLUSTER_ID in $DIR (port base $P)"
  printf '  %-12s %-5s %-8s %-28s %s\n' PROCESS STATE PID ADDRESS READY
  local b i pid ready code
  for ((b = 1; b <= BROKERS; b++)); do
    pid="$(running_pid "broker-$b")"
    printf '  %-12s %-5s %-8s %-28s %s\n' "broker-$b" "$([[ -n "$pid" ]] && echo up || echo down)" "${pid:--}" \
      "$HOST:$(broker_port "$b")" "-"
  done
  for i in $INSTANCES; do
    pid="$(running_pid "instance-$i")"
    ready="-"
    if [[ -n "$pid" ]]; then
      code="$(http_status "http://$HOST:$(instance_port "$i")/ready")"
      case "$code" in
        200) ready=ready ;;
        000) ready="no answer" ;;
        *) ready="not ready ($code)" ;;
      esac
    fi
    printf '  %-12s %-5s %-8s %-28s %s\n' "instance-$i" "$([[ -n "$pid" ]] && echo up || echo down)" "${pid:--}" \
      "http://$HOST:$(instance_port "$i")" "$ready"
  done
  pid="$(running_pid nginx)"
  printf '  %-12s %-5s %-8s %-28s %s\n' nginx "$([[ -n "$pid" ]] && echo up || echo down)" "${pid:--}" \
    "http://$HOST:$(nginx_port)" "-"
  echo
  cluster_summary
}

# Tasks per instance, active and standby, from GET /api/v1/admin/cluster through nginx.
cluster_summary() {
  if [[ -z "$(running_pid nginx)" ]]; then
    echo "tasks: nginx is down"
    return 0
  fi
  if ! command -v jq >/dev/null 2>&1; then
    echo "tasks: jq is missing (sudo apt-get install -y jq)"
    return 0
  fi
  local token answer
  token="$(EVENTLINE_JWT_SECRET="$(<"$DIR/secrets/jwt-secret")" java -XX:TieredStopAtLevel=1 -Xshare:auto \
    -jar "$DIR/eventline.jar" token --admin --ttl 5m local-cluster 2>/dev/null)" \
    || { echo "tasks: could not make an admin token"; return 0; }
  answer="$(curl -s -m 10 -H "Authorization: Bearer $token" "http://$HOST:$(nginx_port)/api/v1/admin/cluster")" || true
  if ! jq -e '.applications' >/dev/null 2>&1 <<<"$answer"; then
    echo "tasks: GET /api/v1/admin/cluster answered: ${answer:0:200}"
    return 0
  fi
  local table
  table="$(jq -r '
    (.applications | map({app: .application, tasks: .tasks})) as $apps
    | ([.instances[] | .url] + [$apps[].tasks[] | (.active // empty), .standbys[]?] | unique) as $urls
    | (["  INSTANCE"] + ($apps | map(.app + " active/standby")) + ["UP/READY"] | @tsv),
      ($urls[] as $u
        | (.instances | map(select(.url == $u)) | first) as $inst
        | (["  " + $u]
           + ($apps | map(
               ([.tasks[] | select(.active == $u)] | length | tostring) + "/"
               + ([.tasks[] | select((.standbys // []) | index($u))] | length | tostring)))
           + [if $inst == null then "-" else "\($inst.up)/\($inst.ready)" end]) | @tsv),
      (["  total"]
        + ($apps | map(
            (.tasks | length | tostring) + " tasks, "
            + ([.tasks[] | select(.active == null)] | length | tostring) + " unassigned"))
        + [""] | @tsv)
  ' <<<"$answer" 2>&1)" || { echo "tasks: cannot read the answer of GET /api/v1/admin/cluster: ${table:0:200}"; return 0; }
  echo "tasks (GET /api/v1/admin/cluster through nginx):"
  column -t -s $'\t' <<<"$table"
}

cmd_nginx_config() {
  P="$(port_base)"
  local instances=("$@") i
  if ((${#instances[@]} == 0)); then
    if [[ -f "$DIR/cluster.env" ]]; then
      load_cluster
      read -r -a instances <<<"$INSTANCES"
    else
      instances=(1 2 3)
    fi
  fi
  for i in "${instances[@]}"; do
    [[ "$i" =~ ^[0-9]+$ ]] && ((i >= 1 && i <= 31)) || fail "nginx-config: instance numbers are 1 to 31, got '$i'"
  done
  render_nginx_conf "${instances[@]}"
}

main() {
  (($#)) || usage
  local command="$1"
  shift
  case "$command" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    add-instance) cmd_add_instance "$@" ;;
    start-instance) cmd_instance start "$@" ;;
    stop-instance) cmd_instance stop "$@" ;;
    kill-instance) cmd_instance kill "$@" ;;
    start-broker) cmd_broker start "$@" ;;
    stop-broker) cmd_broker stop "$@" ;;
    kill-broker) cmd_broker kill "$@" ;;
    nginx-config) cmd_nginx_config "$@" ;;
    -h | --help | help) usage ;;
    *) fail "unknown command '$command' (up, status, down, add-instance, start-|stop-|kill-instance I, start-|stop-|kill-broker B, nginx-config)" ;;
  esac
}

main "$@"

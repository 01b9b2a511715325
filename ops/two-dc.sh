#!/usr/bin/env bash
# Two Eventline data centres on this machine, each in a network namespace of its own with one Kafka broker (KRaft)
# and one Eventline instance, MirrorMaker 2 between them, and a link between them that can be cut. See the README,
# "Two data centres on one machine", and docs/multi-dc.md. Needs root (ip netns, iptables).
#
#   ops/two-dc.sh up                  # namespaces, brokers, instances (DC a first), MirrorMaker 2 both ways
#   ops/two-dc.sh status              # every process, the link, and how far each copy is behind its source
#   ops/two-dc.sh cut                 # drop all traffic between the DCs; this host still reaches both
#   ops/two-dc.sh heal                # remove exactly what cut added
#   ops/two-dc.sh slow MS|off         # delay traffic between the DCs (tc netem; refused where it is missing)
#   ops/two-dc.sh down [--purge]      # stop everything, remove the namespaces; --purge deletes the directory
#   ops/two-dc.sh exec a|b CMD...     # run a command inside a DC's namespace
#   ops/two-dc.sh tool CLASS ARGS...  # one of Kafka's tools, e.g. tool TopicCommand --bootstrap-server ... --list
#   ops/two-dc.sh mm2-config          # prints MirrorMaker 2's configuration and exits
#   ops/two-dc.sh drill [ARGS...]     # the key-value store's partition drill (eventline-load kv-two-dc ARGS)
#
# The shape. Namespace eventline-dc-a holds DC a at 10.77.1.2, eventline-dc-b DC b at 10.77.2.2; each is joined to
# this host (the root namespace: 10.77.1.1, 10.77.2.1) by a veth pair, and the DCs reach each other only through
# this host, which forwards between the two veths. `cut` drops what this host would forward between 10.77.1.0/24
# and 10.77.2.0/24 (iptables, FORWARD chain, both directions): the DCs lose each other, while this host, where
# tests and measurements run, reaches both as before. In each DC, on its address:
#   Kafka broker (broker and controller, a cluster of its own, replication factor 1)   :9092 (controller :9093)
#   Eventline instance (EVENTLINE_DATACENTER_ID 1 in a, 2 in b; EVENTLINE_KV_PEER_DCS=b in a, a in b)   :8080
#   the schema registry, served by DC a's instance only                                :8081
#   MirrorMaker 2 running the flow into its DC (b->a in DC a, a->b in DC b): DefaultReplicationPolicy, so DC a's
#   kv.changes.v1 is DC b's a.kv.changes.v1 and the other way round (topics: EVENTLINE_TWO_DC_TOPICS)
#
# One schema registry writer. Records carry schema IDs, which a registry assigns in the order of its log; two
# registries would give the same ID to different schemas and DC b would decode DC a's mirrored records with the
# wrong schema (docs/multi-dc.md, "Schema registry"). So DC b's instance uses DC a's registry
# (SCHEMA_REGISTRY_URL=http://10.77.1.2:8081 with SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO), and DC a starts first.
# While the link is cut, DC b's running instance keeps the schemas it has fetched, but one starting there cannot reach
# the registry it registers its schemas with.
#
# EVENTLINE_TWO_DC_DIR (default ${TMPDIR:-/tmp}/eventline-two-dc) holds everything it starts and writes: the copy
# of web/target/eventline.jar taken at `up`, cluster.env (source it: addresses and secrets), dc-a/ and dc-b/
# (server.properties, broker and instance data), mirror-maker/ (MM2's jars, fetched from Maven Central by `up` with
# ops/two-dc/mirror-maker/pom.xml when missing; mm2.properties), run/*.pid, secrets/ and logs/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPLATES="$ROOT/ops/two-dc"
BUILT_JAR="$ROOT/web/target/eventline.jar"
DIR="${EVENTLINE_TWO_DC_DIR:-${TMPDIR:-/tmp}/eventline-two-dc}"
DCS=(a b)
BROKER_PORT=9092
CONTROLLER_PORT=9093
HTTP_PORT=8080
REGISTRY_PORT=8081
KV_CHANGES_TOPIC=kv.changes.v1
TOPICS="${EVENTLINE_TWO_DC_TOPICS:-kv\\.changes\\.v1}"
# every rule this script adds to iptables carries this comment, so that down finds them all
RULE_TAG=eventline-two-dc
STOP_WAIT_SECONDS=30
BROKER_START_SECONDS="${EVENTLINE_TWO_DC_BROKER_START_SECONDS:-300}"
INSTANCE_START_SECONDS=600
MM2_START_SECONDS=300
# as ops/local-cluster.sh
INSTANCE_JAVA_OPTS="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
BROKER_JAVA_OPTS="${EVENTLINE_TWO_DC_BROKER_JAVA_OPTS:--Xms384m -Xmx384m -XX:+UseG1GC -XX:MaxGCPauseMillis=20}"
MM2_JAVA_OPTS="${EVENTLINE_TWO_DC_MM2_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseG1GC}"
TOOL_JAVA_OPTS="-Xmx256m -XX:TieredStopAtLevel=1 -Xshare:auto"

fail() {
  echo "two-dc: $*" >&2
  exit 1
}

say() {
  echo "two-dc: $*"
}

usage() {
  sed -n '6,15p' "${BASH_SOURCE[0]}" | sed 's/^#   //' >&2
  exit 2
}

# --- names and addresses --------------------------------------------------------------------------------------

dc_number() {
  case "$1" in
    a) echo 1 ;;
    b) echo 2 ;;
    *) fail "no DC '$1' (a or b)" ;;
  esac
}
peer_of() { if [[ "$1" == a ]]; then echo b; else echo a; fi; }
namespace() { echo "eventline-dc-$1"; }
host_veth() { echo "evl-$1-host"; }
dc_veth() { echo "evl-$1-dc"; }
subnet() { echo "10.77.$(dc_number "$1").0/24"; }
host_address() { echo "10.77.$(dc_number "$1").1"; }
dc_address() { echo "10.77.$(dc_number "$1").2"; }
bootstrap() { echo "$(dc_address "$1"):$BROKER_PORT"; }
instance_url() { echo "http://$(dc_address "$1"):$HTTP_PORT"; }
registry_url() { echo "http://$(dc_address a):$REGISTRY_PORT"; }

require_root() {
  ((EUID == 0)) || fail "$1 needs root (ip netns, iptables): run it with sudo"
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing"
  done
}

# --- processes: ops/lib/processes.sh ---------------------------------------------------------------------------

PROCESS_TAG=two-dc
CLEANUP_HINT="; ops/two-dc.sh down cleans up"
# shellcheck source=lib/processes.sh
source "$ROOT/ops/lib/processes.sh"

# Starts a command inside a DC's namespace as spawn does (`ip netns exec` becomes the command, so the pid is the
# command's).
spawn_in() {
  local dc="$1" name="$2" log="$3"
  shift 3
  spawn "$name" "$log" ip netns exec "$(namespace "$dc")" "$@"
}

# --- the network ----------------------------------------------------------------------------------------------

namespace_exists() {
  ip netns list 2>/dev/null | grep -qE "^$(namespace "$1")( |$)"
}

network_up() {
  local dc ns
  for dc in "${DCS[@]}"; do
    ns="$(namespace "$dc")"
    ip netns add "$ns"
    ip link add "$(host_veth "$dc")" type veth peer name "$(dc_veth "$dc")"
    ip link set "$(dc_veth "$dc")" netns "$ns"
    ip addr add "$(host_address "$dc")/24" dev "$(host_veth "$dc")"
    ip link set "$(host_veth "$dc")" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$(dc_address "$dc")/24" dev "$(dc_veth "$dc")"
    ip -n "$ns" link set "$(dc_veth "$dc")" up
    # the other DC, through this host; nothing else (a DC has no way out of this machine)
    ip -n "$ns" route add 10.77.0.0/16 via "$(host_address "$dc")"
    # forwarding on these two interfaces only, not on the host's others (net.ipv4.ip_forward stays as it is)
    sysctl -q -w "net.ipv4.conf.$(host_veth "$dc").forwarding=1"
  done
  # accepted whatever the chain's policy; cut inserts its drops before these
  forward_rule -I FORWARD -s "$(subnet a)" -d "$(subnet b)" -j ACCEPT
  forward_rule -I FORWARD -s "$(subnet b)" -d "$(subnet a)" -j ACCEPT
}

forward_rule() {
  iptables -w "$@" -m comment --comment "$RULE_TAG"
}

# Removes every rule this script added, the cut's included.
remove_rules() {
  local rule
  while IFS= read -r rule; do
    [[ -n "$rule" ]] || continue
    # shellcheck disable=SC2086
    eval "iptables -w ${rule/#-A /-D }" || true
  done < <(iptables -w -S FORWARD 2>/dev/null | grep -E -- "--comment \"?$RULE_TAG( |\"|$)" || true)
}

network_down() {
  remove_rules
  local dc
  for dc in "${DCS[@]}"; do
    # deleting one end of a veth pair deletes the other
    ip link del "$(host_veth "$dc")" 2>/dev/null || true
    if namespace_exists "$dc"; then
      ip netns del "$(namespace "$dc")" || true
    fi
  done
}

cut_rule() {
  local action="$1" from="$2" to="$3"
  iptables -w "$action" FORWARD -s "$(subnet "$from")" -d "$(subnet "$to")" -j DROP \
    -m comment --comment "$RULE_TAG cut"
}

link_cut() {
  cut_rule -C a b 2>/dev/null || cut_rule -C b a 2>/dev/null
}

# --- brokers --------------------------------------------------------------------------------------------------

render_broker_properties() {
  local dc="$1" content
  content="$(<"$ROOT/ops/local-cluster/server.properties")"
  content="${content//@NODE_ID@/1}"
  content="${content//@VOTERS@/1@$(dc_address "$dc"):$CONTROLLER_PORT}"
  content="${content//@HOST@/$(dc_address "$dc")}"
  content="${content//@PORT@/$BROKER_PORT}"
  content="${content//@CONTROLLER_PORT@/$CONTROLLER_PORT}"
  content="${content//@DATA_DIR@/$DIR/dc-$dc/broker/data}"
  content="${content//@REPLICATION_FACTOR@/1}"
  content="${content//@MIN_INSYNC@/1}"
  printf '# DC %s: rendered by ops/two-dc.sh from ops/local-cluster/server.properties\n%s\n' "$dc" "$content"
}

# Formats a broker's storage once, with its DC's cluster ID (each DC is a Kafka cluster of its own).
format_broker() {
  local dc="$1"
  [[ -f "$DIR/dc-$dc/broker/data/meta.properties" ]] && return 0
  # shellcheck disable=SC2086
  java $BROKER_JAVA_OPTS -cp "$DIR/eventline.jar" -Dlogback.configurationFile="$DIR/broker-logback.xml" \
    kafka.tools.StorageTool format --cluster-id "$(<"$DIR/dc-$dc/cluster-id")" \
    --config "$DIR/dc-$dc/broker/server.properties" --feature transaction.version=1 --ignore-formatted \
    >>"$DIR/logs/broker-$dc.log" 2>&1 || fail "formatting DC $dc's broker storage failed (see $DIR/logs/broker-$dc.log)"
}

start_brokers() {
  local dc entries=() log
  for dc in "$@"; do
    log="$DIR/logs/broker-$dc.log"
    entries+=("broker-$dc:$log:$(log_size "$log")")
    # shellcheck disable=SC2086
    spawn_in "$dc" "broker-$dc" "$log" java $BROKER_JAVA_OPTS -Dlogback.configurationFile="$DIR/broker-logback.xml" \
      -cp "$DIR/eventline.jar" kafka.Kafka "$DIR/dc-$dc/broker/server.properties"
  done
  say "waiting for the brokers of DC $* to start"
  await_lines "$BROKER_START_SECONDS" "Kafka Server started" "${entries[@]}"
}

# --- instances ------------------------------------------------------------------------------------------------

# A DC's instance environment: its settings over the caller's other EVENTLINE_* settings, without the caller's
# Kafka and registry (a sourced cluster.env names DC a's).
instance_env() {
  local dc="$1" name
  local -a unset_args=()
  while IFS= read -r name; do
    unset_args+=(-u "$name")
  done < <(env | sed -n 's/^\(SCHEMA_REGISTRY_[A-Z0-9_]*\|EVENTLINE_REGISTRY_[A-Z0-9_]*\|KAFKA_BOOTSTRAP_SERVERS\)=.*/\1/p')
  INSTANCE_ENV=(env "${unset_args[@]}"
    "KAFKA_BOOTSTRAP_SERVERS=$(bootstrap "$dc")"
    "EVENTLINE_DATACENTER_ID=$(dc_number "$dc")"
    "EVENTLINE_KV_PEER_DCS=$(peer_of "$dc")"
    "EVENTLINE_INSTANCE_ID=eventline-$dc-1"
    "EVENTLINE_WORKER_ID=1"
    "EVENTLINE_DATA_DIR=$DIR/dc-$dc/instance/data"
    "EVENTLINE_HTTP_HOST=$(dc_address "$dc")"
    "EVENTLINE_HTTP_PORT=$HTTP_PORT"
    "EVENTLINE_JWT_SECRET=$(<"$DIR/secrets/jwt-secret")"
    "EVENTLINE_METRICS_TOKEN=$(<"$DIR/secrets/metrics-token")"
    "EVENTLINE_TOPIC_REPLICATION_FACTOR=1"
    "EVENTLINE_ADVERTISED_URL=$(instance_url "$dc")"
    "EVENTLINE_PUBLIC_URL=$(instance_url "$dc")"
    "EVENTLINE_SOCKET_URL=ws://$(dc_address "$dc"):$HTTP_PORT/ws")
  if [[ "$dc" == a ]]; then
    INSTANCE_ENV+=("EVENTLINE_REGISTRY_HOST=$(dc_address a)"
      "EVENTLINE_REGISTRY_PORT=$REGISTRY_PORT"
      "EVENTLINE_REGISTRY_USER_INFO=$(<"$DIR/secrets/registry-user-info")")
  else
    # the one registry writer, DC a's (see the header)
    INSTANCE_ENV+=("SCHEMA_REGISTRY_URL=$(registry_url)"
      "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=$(<"$DIR/secrets/registry-user-info")")
  fi
}

start_instance() {
  local dc="$1" log
  mkdir -p "$DIR/dc-$dc/instance"
  log="$DIR/logs/instance-$dc.log"
  local entry="instance-$dc:$log:$(log_size "$log")"
  instance_env "$dc"
  # shellcheck disable=SC2086
  spawn_in "$dc" "instance-$dc" "$log" "${INSTANCE_ENV[@]}" java $INSTANCE_JAVA_OPTS -jar "$DIR/eventline.jar" run
  say "waiting for DC $dc's instance to print its ready line"
  await_lines "$INSTANCE_START_SECONDS" "Eventline ready: " "$entry"
}

# --- Kafka's tools and MirrorMaker 2 --------------------------------------------------------------------------

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1
}

# MM2 and Kafka's tools, at the build's Kafka version, from Maven Central (or the local Maven repository).
fetch_mirror_maker() {
  local version libs="$DIR/mirror-maker/libs"
  version="$(kafka_version)"
  [[ -n "$version" ]] || fail "no <kafka.version> in $ROOT/pom.xml"
  if [[ -f "$libs/.kafka-version" && "$(<"$libs/.kafka-version")" == "$version" ]]; then
    return 0
  fi
  require_tools mvn
  say "fetching MirrorMaker 2 and Kafka's tools $version (mvn, ops/two-dc/mirror-maker/pom.xml)"
  rm -rf "$libs.new"
  mvn -B -q -f "$TEMPLATES/mirror-maker/pom.xml" -Dkafka.version="$version" dependency:copy-dependencies \
    -DoutputDirectory="$libs.new" >>"$DIR/logs/mirror-maker-fetch.log" 2>&1 \
    || fail "mvn could not fetch MirrorMaker 2 (see $DIR/logs/mirror-maker-fetch.log)"
  echo "$version" >"$libs.new/.kafka-version"
  rm -rf "$libs"
  mv "$libs.new" "$libs"
}

# Runs one of Kafka's command-line tools (org.apache.kafka.tools.CLASS) from this host, for at most the given
# seconds (0: no limit).
kafka_tool() {
  local seconds="$1" class="$2"
  shift 2
  case "$class" in
    *.*) ;;
    ConsoleConsumer) class="org.apache.kafka.tools.consumer.$class" ;;
    ConsumerGroupCommand) class="org.apache.kafka.tools.consumer.group.$class" ;;
    *) class="org.apache.kafka.tools.$class" ;;
  esac
  local -a limit=()
  ((seconds == 0)) || limit=(timeout "$seconds")
  # shellcheck disable=SC2086
  "${limit[@]}" java $TOOL_JAVA_OPTS -Dlog4j2.configurationFile="$DIR/mirror-maker/log4j2.properties" \
    -cp "$DIR/mirror-maker/libs/*" "$class" "$@"
}

# The KV change topic each DC mirrors, created unless the instance has created it already (then its settings win).
ensure_kv_topic() {
  local dc="$1"
  kafka_tool 120 TopicCommand --bootstrap-server "$(bootstrap "$dc")" --create --if-not-exists \
    --topic "$KV_CHANGES_TOPIC" --partitions "${EVENTLINE_TOPIC_PARTITIONS:-6}" --replication-factor 1 \
    >>"$DIR/logs/tools.log" 2>&1 || fail "could not create $KV_CHANGES_TOPIC in DC $dc (see $DIR/logs/tools.log)"
}

render_mm2_properties() {
  local content
  content="$(<"$TEMPLATES/mm2.properties")"
  content="${content//@A_BOOTSTRAP@/$(bootstrap a)}"
  content="${content//@B_BOOTSTRAP@/$(bootstrap b)}"
  content="${content//@TOPICS@/$TOPICS}"
  printf '%s\n' "$content"
}

# One MM2 process per DC, in that DC, running the flow into it.
start_mirror_makers() {
  local dc entries=() log
  for dc in "$@"; do
    log="$DIR/logs/mm2-$dc.log"
    entries+=("mm2-$dc:$log:$(log_size "$log")")
    # shellcheck disable=SC2086
    spawn_in "$dc" "mm2-$dc" "$log" java $MM2_JAVA_OPTS \
      -Dlog4j2.configurationFile="$DIR/mirror-maker/log4j2.properties" -cp "$DIR/mirror-maker/libs/*" \
      org.apache.kafka.connect.mirror.MirrorMaker "$DIR/mirror-maker/mm2.properties" --clusters "$dc"
  done
  say "waiting for MirrorMaker 2 in DC $* to start"
  await_lines "$MM2_START_SECONDS" "Kafka MirrorMaker started" "${entries[@]}"
}

# --- files ----------------------------------------------------------------------------------------------------

random_secret() {
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

ensure_secret() {
  local file="$1"
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
# The two data centres of ops/two-dc.sh: source this file to reach them. EVENTLINE_URL, KAFKA_BOOTSTRAP_SERVERS and
# SCHEMA_REGISTRY_URL name DC a's (the registry writer), for tools that take one cluster.
export EVENTLINE_TWO_DC_DIR=$DIR
export EVENTLINE_DC_A_URL=$(instance_url a)
export EVENTLINE_DC_B_URL=$(instance_url b)
export KAFKA_DC_A=$(bootstrap a)
export KAFKA_DC_B=$(bootstrap b)
export EVENTLINE_URL=$(instance_url a)
export KAFKA_BOOTSTRAP_SERVERS=$(bootstrap a)
export SCHEMA_REGISTRY_URL=$(registry_url)
export SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=$(<"$DIR/secrets/registry-user-info")
export EVENTLINE_JWT_SECRET=$(<"$DIR/secrets/jwt-secret")
export EVENTLINE_METRICS_TOKEN=$(<"$DIR/secrets/metrics-token")
export EVENTLINE_JAR=$DIR/eventline.jar
EOF
  )
  mv "$file.new" "$file"
}

all_processes() {
  local dc names=()
  for dc in "${DCS[@]}"; do names+=("mm2-$dc" "instance-$dc" "broker-$dc"); done
  echo "${names[*]}"
}

running_any() {
  local name
  for name in $(all_processes); do
    [[ -n "$(running_pid "$name")" ]] && return 0
  done
  return 1
}

# --- commands -------------------------------------------------------------------------------------------------

cmd_up() {
  [[ $# -eq 0 ]] || fail "up takes no arguments"
  require_root up
  require_tools ip iptables sysctl java curl
  [[ -f "$BUILT_JAR" ]] || fail "$BUILT_JAR is missing; build it with: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package"
  if [[ -f "$DIR/cluster.env" ]] && running_any; then
    fail "the two DCs in $DIR are already running (ops/two-dc.sh status, or down first)"
  fi
  local dc
  for dc in "${DCS[@]}"; do
    namespace_exists "$dc" && fail "namespace $(namespace "$dc") exists already (ops/two-dc.sh down removes it)"
    ip link show "$(host_veth "$dc")" >/dev/null 2>&1 && fail "interface $(host_veth "$dc") exists already (ops/two-dc.sh down removes it)"
  done

  # private data (secrets, KV values); the directory is this user's alone
  umask 077
  mkdir -p "$DIR"/{dc-a/broker,dc-b/broker,mirror-maker,run,logs,secrets}
  ensure_secret "$DIR/secrets/jwt-secret" "$(random_secret)"
  ensure_secret "$DIR/secrets/metrics-token" "$(random_secret)"
  ensure_secret "$DIR/secrets/registry-user-info" "eventline:$(random_secret)"
  for dc in "${DCS[@]}"; do
    ensure_secret "$DIR/dc-$dc/cluster-id" "$(random_cluster_id)"
    render_broker_properties "$dc" >"$DIR/dc-$dc/broker/server.properties"
  done
  write_cluster_env
  cp "$BUILT_JAR" "$DIR/eventline.jar.new" && mv "$DIR/eventline.jar.new" "$DIR/eventline.jar"
  cp "$ROOT/ops/local-cluster/broker-logback.xml" "$DIR/broker-logback.xml"
  cp "$TEMPLATES/log4j2.properties" "$DIR/mirror-maker/log4j2.properties"
  render_mm2_properties >"$DIR/mirror-maker/mm2.properties"
  fetch_mirror_maker

  say "two DCs in $DIR: a at $(dc_address a), b at $(dc_address b)"
  network_up
  format_broker a
  format_broker b
  start_brokers a b
  # DC a first: its instance serves the schema registry DC b's instance registers with and reads from
  start_instance a
  ensure_kv_topic a
  start_instance b
  ensure_kv_topic b
  start_mirror_makers a b
  say "up"
  print_summary
}

print_summary() {
  echo
  echo "  DC a (namespace $(namespace a)):  Eventline $(instance_url a)  registry $(registry_url)  Kafka $(bootstrap a)"
  echo "  DC b (namespace $(namespace b)):  Eventline $(instance_url b)  (DC a's registry)  Kafka $(bootstrap b)"
  echo "  mirrored: $TOPICS   (DC a's kv.changes.v1 is DC b's a.kv.changes.v1, and b's is a's b.kv.changes.v1)"
  echo "  settings:            source $DIR/cluster.env"
  echo "  admin token:         java -jar \$EVENTLINE_JAR token --admin ops"
  echo "  logs:                $DIR/logs/{broker,instance,mm2}-{a,b}.log"
}

cmd_down() {
  local purge=0
  case "${1:-}" in
    "") ;;
    --purge) purge=1 ;;
    *) fail "down: unknown argument '$1' (down [--purge])" ;;
  esac
  [[ $# -le 1 ]] || fail "down takes at most --purge"
  require_root down
  local dc
  if [[ -d "$DIR/run" ]]; then
    # MM2 first, then the instances while their brokers are there, then the brokers
    stop_processes mm2-a mm2-b
    stop_processes instance-a instance-b
    stop_processes broker-a broker-b
  fi
  network_down
  if ((purge)); then
    if [[ -d "$DIR" && ! -f "$DIR/cluster.env" ]]; then
      fail "$DIR holds no cluster.env; not deleting a directory this script did not make"
    fi
    rm -rf -- "$DIR"
    say "stopped; namespaces removed; deleted $DIR"
  else
    say "stopped; namespaces removed; data kept in $DIR (down --purge deletes it)"
  fi
}

cmd_cut() {
  [[ $# -eq 0 ]] || fail "cut takes no arguments"
  require_root cut
  namespace_exists a && namespace_exists b || fail "the DCs are not up (ops/two-dc.sh up)"
  if link_cut && [[ -f "$DIR/run/cut-since" ]]; then
    say "the link is cut already (since $(<"$DIR/run/cut-since"))"
    return 0
  fi
  cut_rule -C a b 2>/dev/null || cut_rule -I a b
  cut_rule -C b a 2>/dev/null || cut_rule -I b a
  date -u +%FT%TZ >"$DIR/run/cut-since"
  say "link cut: $(subnet a) and $(subnet b) no longer reach each other; this host reaches both"
}

cmd_heal() {
  [[ $# -eq 0 ]] || fail "heal takes no arguments"
  require_root heal
  while cut_rule -C a b 2>/dev/null; do cut_rule -D a b; done
  while cut_rule -C b a 2>/dev/null; do cut_rule -D b a; done
  rm -f "$DIR/run/cut-since"
  say "link healed at $(date -u +%T.%3N) UTC"
}

# Delays what this host forwards from one DC to the other (not what it sends to a DC itself): a prio qdisc on
# each DC's veth whose third band, chosen by the source subnet, goes through netem.
cmd_slow() {
  [[ $# -eq 1 ]] || fail "slow takes one argument: a delay in milliseconds, or off"
  require_root slow
  namespace_exists a && namespace_exists b || fail "the DCs are not up (ops/two-dc.sh up)"
  local dc
  if [[ "$1" == off || "$1" == 0 ]]; then
    for dc in "${DCS[@]}"; do tc qdisc del dev "$(host_veth "$dc")" root 2>/dev/null || true; done
    rm -f "$DIR/run/slow"
    say "no delay between the DCs"
    return 0
  fi
  [[ "$1" =~ ^[0-9]+$ ]] && (($1 <= 10000)) || fail "slow: the delay must be 0 to 10000 ms, got '$1'"
  local error=""
  for dc in "${DCS[@]}"; do
    local dev
    dev="$(host_veth "$dc")"
    tc qdisc del dev "$dev" root 2>/dev/null || true
    if ! error="$({ tc qdisc add dev "$dev" root handle 1: prio \
      && tc qdisc add dev "$dev" parent 1:3 handle 30: netem delay "${1}ms" \
      && tc filter add dev "$dev" parent 1:0 protocol ip prio 1 u32 \
        match ip src "$(subnet "$(peer_of "$dc")")" flowid 1:3; } 2>&1)"; then
      for dc in "${DCS[@]}"; do tc qdisc del dev "$(host_veth "$dc")" root 2>/dev/null || true; done
      fail "slow is not available here: tc netem failed (${error//$'\n'/ }); this kernel has no sch_netem. Nothing changed."
    fi
  done
  echo "$1" >"$DIR/run/slow"
  say "traffic between the DCs delayed by $1 ms each way"
}

http_status() {
  curl -s -o /dev/null -m "${2:-3}" -w '%{http_code}' "$1" 2>/dev/null || true
}

# Sum of the end offsets of each topic matching the regex in a DC, as "topic sum" lines.
end_offsets() {
  local dc="$1" regex="$2"
  kafka_tool 30 GetOffsetShell --bootstrap-server "$(bootstrap "$dc")" --topic "$regex" 2>/dev/null \
    | awk -F: 'NF == 3 { sum[$1] += $3 } END { for (t in sum) print t, sum[t] }'
}

replication_report() {
  if [[ ! -d "$DIR/mirror-maker/libs" ]]; then
    echo "replication: Kafka's tools are not fetched yet"
    return 0
  fi
  local a_offsets b_offsets
  a_offsets="$(end_offsets a '(b\.)?kv\.changes\.v1')"
  b_offsets="$(end_offsets b '(a\.)?kv\.changes\.v1')"
  echo "replication of $KV_CHANGES_TOPIC (sums of end offsets; a transactional writer's markers count in the source only):"
  printf '  %-6s %-30s %-30s %s\n' FLOW SOURCE COPY BEHIND
  local flow src dst src_n dst_n
  for flow in a-b b-a; do
    src="${flow%-*}"
    dst="${flow#*-}"
    if [[ "$src" == a ]]; then
      src_n="$(awk -v t="$KV_CHANGES_TOPIC" '$1 == t { print $2 }' <<<"$a_offsets")"
      dst_n="$(awk -v t="a.$KV_CHANGES_TOPIC" '$1 == t { print $2 }' <<<"$b_offsets")"
    else
      src_n="$(awk -v t="$KV_CHANGES_TOPIC" '$1 == t { print $2 }' <<<"$b_offsets")"
      dst_n="$(awk -v t="b.$KV_CHANGES_TOPIC" '$1 == t { print $2 }' <<<"$a_offsets")"
    fi
    printf '  %-6s %-30s %-30s %s\n' "$src->$dst" "$src:$KV_CHANGES_TOPIC ${src_n:-?}" \
      "$dst:$src.$KV_CHANGES_TOPIC ${dst_n:-?}" \
      "$([[ -n "$src_n" && -n "$dst_n" ]] && echo $((src_n - dst_n)) || echo '?')"
  done
}

cmd_status() {
  [[ $# -eq 0 ]] || fail "status takes no arguments"
  [[ -f "$DIR/cluster.env" ]] || fail "no two DCs in $DIR (start them with: ops/two-dc.sh up)"
  echo "two DCs in $DIR"
  local link="unknown (status as root tells)"
  if ((EUID == 0)); then
    if link_cut; then
      link="CUT since $(cat "$DIR/run/cut-since" 2>/dev/null || echo '?')"
    else
      link="up"
    fi
    [[ -f "$DIR/run/slow" ]] && link+=", delayed $(<"$DIR/run/slow") ms each way"
  fi
  echo "link a<->b: $link"
  printf '  %-4s %-16s %-12s %-10s %-10s %-24s %s\n' DC NAMESPACE ADDRESS BROKER MM2 INSTANCE "GET /health, /ready"
  local dc pid ns broker mm2 instance health ready
  for dc in "${DCS[@]}"; do
    ns="$(namespace "$dc")"
    namespace_exists "$dc" || ns="$ns (gone)"
    pid="$(running_pid "broker-$dc")"
    broker="${pid:-down}"
    pid="$(running_pid "mm2-$dc")"
    mm2="${pid:-down}"
    pid="$(running_pid "instance-$dc")"
    instance="${pid:-down}"
    health="-"
    ready="-"
    if [[ -n "$pid" ]]; then
      health="$(http_status "$(instance_url "$dc")/health")"
      ready="$(http_status "$(instance_url "$dc")/ready")"
    fi
    printf '  %-4s %-16s %-12s %-10s %-10s %-24s %s\n' "$dc" "$ns" "$(dc_address "$dc")" "$broker" "$mm2" \
      "$instance $(instance_url "$dc")" "$health, $ready"
  done
  echo "  (pids; MM2 in a DC runs the flow into it)"
  echo
  replication_report
}

cmd_exec() {
  [[ $# -ge 2 ]] || fail "exec takes a DC (a or b) and a command"
  local dc="$1"
  shift
  dc_number "$dc" >/dev/null
  require_root exec
  namespace_exists "$dc" || fail "namespace $(namespace "$dc") does not exist (ops/two-dc.sh up)"
  exec ip netns exec "$(namespace "$dc")" "$@"
}

cmd_tool() {
  [[ $# -ge 1 ]] || fail "tool takes a class of Kafka's tools, e.g. TopicCommand, GetOffsetShell, ConsoleProducer"
  [[ -d "$DIR/mirror-maker/libs" ]] || fail "Kafka's tools are not in $DIR/mirror-maker/libs (ops/two-dc.sh up fetches them)"
  kafka_tool 0 "$@"
}

# Records in kv.conflicts.v1 of a DC: the sum of its partitions' end offsets.
conflicts_recorded() {
  kafka_tool 120 GetOffsetShell --bootstrap-server "$(bootstrap "$1")" --topic kv.conflicts.v1 2>/dev/null \
    | awk -F: '{ sum += $NF } END { print sum + 0 }'
}

# The key-value store's partition drill (eventline-load kv-two-dc: replication lag under writes, writes on both
# sides of a cut link, the time from heal to converged, nothing acknowledged lost, siblings resolved), then the
# versions each DC set aside on kv.conflicts.v1 meanwhile. The link is healed whatever happens.
cmd_drill() {
  require_root drill
  [[ -f "$DIR/cluster.env" ]] || fail "no two DCs in $DIR (start them with: ops/two-dc.sh up)"
  local load_jar="$ROOT/producers/target/eventline-load.jar"
  [[ -f "$load_jar" ]] || fail "$load_jar is missing (mvn -B -q -DskipTests package)"
  local self dc status=0
  self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
  local -A before=()
  for dc in "${DCS[@]}"; do
    before[$dc]="$(conflicts_recorded "$dc")"
  done
  EVENTLINE_JWT_SECRET="$(<"$DIR/secrets/jwt-secret")" java -jar "$load_jar" kv-two-dc \
    --a "$(instance_url a)" --b "$(instance_url b)" \
    --cut-command "EVENTLINE_TWO_DC_DIR='$DIR' '$self' cut" \
    --heal-command "EVENTLINE_TWO_DC_DIR='$DIR' '$self' heal" "$@" || status=$?
  if link_cut; then
    cmd_heal
  fi
  for dc in "${DCS[@]}"; do
    echo "DC $dc recorded $(($(conflicts_recorded "$dc") - before[$dc])) versions on kv.conflicts.v1 during the drill"
  done
  return "$status"
}

main() {
  (($#)) || usage
  local command="$1"
  shift
  case "$command" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    cut) cmd_cut "$@" ;;
    heal) cmd_heal "$@" ;;
    slow) cmd_slow "$@" ;;
    exec) cmd_exec "$@" ;;
    tool) cmd_tool "$@" ;;
    drill) cmd_drill "$@" ;;
    mm2-config) [[ $# -eq 0 ]] || fail "mm2-config takes no arguments"; render_mm2_properties ;;
    -h | --help | help) usage ;;
    *) fail "unknown command '$command' (up, status, cut, heal, slow MS, down, exec DC CMD, tool CLASS, mm2-config, drill)" ;;
  esac
}

main "$@"

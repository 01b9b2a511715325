#!/usr/bin/env bash
# Eventline's chat next to ejabberd (Debian's package, 23.01) with message archiving on, driven by one load
# generator, docs/benchmarks/xmpp/side-by-side.mjs, with the same clients, pairs, schedule and message body
# (BENCHMARKS.md, "Side by side with ejabberd"):
#
#   1,000 clients in 500 pairs; open loop at a fixed total rate R for each R of RATES (100 and 1,000 msg/s), each
#   DURATION (30) s measured after WARMUP (10) s, once PREWARM (120) s at PREWARM_RATE (100) msg/s have warmed the
#   server up unmeasured; latency from the intended send time to the recipient's client; messages sent, received,
#   lost (not received DRAIN (30) s after the last send), duplicated and out of order per pair and direction.
#
#   ejabberd: 1:1 `<message type='chat'>` stanzas over its WebSocket endpoint (RFC 7395) with npm's @xmpp/client,
#             mod_mam archiving every message (docs/benchmarks/xmpp/ejabberd.yml says what else is set), users
#             registered through its HTTP API, each session available (initial presence) and using stream
#             management as the client library does by default.
#   Eventline: a direct channel per pair (POST /api/v1/channels), one socket per user (GET /ws, npm's ws),
#             `send` frames, a heartbeat every 5 s and an ack of the highest seq received once a second.
#
# Each server runs alone, freshly started, in a temporary directory of its own: ejabberd as its own node
# (EJABBERD_NODE) on its own port (EJABBERD_PORT, 15280) with its own config, spool and logs, never the system
# service; Eventline as chat.sh starts it (own data dir and ports EVENTLINE_HTTP_PORT 18580, EVENTLINE_KAFKA_PORT
# 19592, EVENTLINE_REGISTRY_PORT 18581, a generated JWT secret, rate-limit rules that let one address open 1,000
# sockets). Each waits for a quiet machine first (await_quiet in instance-lib.sh). RUNS (1) runs, each to
# docs/benchmarks/raw/xmpp-side-by-side/run-<n><NAME_SUFFIX>.txt with the command, versions, the machine's load
# before and after each server's part, the load generator's output (with each server process's CPU per rate, from
# /proc/<pid>/stat) and the servers' warnings and errors. Odd runs measure ejabberd first, even runs Eventline.
#
#   docs/benchmarks/xmpp-side-by-side.sh                  # one run, about 10 minutes
#   RUNS=3 docs/benchmarks/xmpp-side-by-side.sh
#   SYSTEMS=ejabberd CLIENTS=4 RATES="5 10" PREWARM=2 WARMUP=1 DURATION=2 OUT=/tmp/try docs/benchmarks/xmpp-side-by-side.sh
#
# Needs: apt-get install -y ejabberd (not started as a service here), Node.js 20.10 or newer (npm ci runs in
# docs/benchmarks/xmpp when node_modules is missing), and the built jar (EVENTLINE_JAR, by default this tree's
# web/target/eventline.jar):
#   mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$root/docs/benchmarks"
out="${OUT:-$bench/raw/xmpp-side-by-side}"
java_opts="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
export EVENTLINE_HTTP_PORT="${EVENTLINE_HTTP_PORT:-18580}"
export EVENTLINE_KAFKA_PORT="${EVENTLINE_KAFKA_PORT:-19592}"
export EVENTLINE_REGISTRY_PORT="${EVENTLINE_REGISTRY_PORT:-18581}"
ejabberd_port="${EJABBERD_PORT:-15280}"
ejabberd_node="${EJABBERD_NODE:-eventline-xmpp-bench@localhost}"
runs="${RUNS:-1}"
systems="${SYSTEMS:-ejabberd eventline}"
suffix="${NAME_SUFFIX:-}"
load_args=(--clients "${CLIENTS:-1000}" --rates "$(echo "${RATES:-100 1000}" | tr ' ' ',')"
  --warmup "${WARMUP:-10}" --duration "${DURATION:-30}" --prewarm "${PREWARM:-120}"
  --prewarm-rate "${PREWARM_RATE:-100}" --drain "${DRAIN:-30}")

command -v ejabberdctl >/dev/null || { echo "ejabberd is not installed: apt-get install -y ejabberd" >&2; exit 1; }
for port in "$EVENTLINE_HTTP_PORT" "$EVENTLINE_KAFKA_PORT" "$EVENTLINE_REGISTRY_PORT" "$ejabberd_port"; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then
    echo "port $port is taken; set EVENTLINE_HTTP_PORT, EVENTLINE_KAFKA_PORT, EVENTLINE_REGISTRY_PORT, EJABBERD_PORT" >&2
    exit 1
  fi
done
[[ -d "$bench/xmpp/node_modules" ]] || npm ci --prefix "$bench/xmpp" --no-audit --no-fund

# every client is a socket on each side, and both sides are started from here
hard="$(ulimit -Hn)"
if [[ "$hard" == unlimited ]] || ((hard > 65536)); then hard=65536; fi
ulimit -n "$hard"

work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-xmpp-bench.XXXXXX")"
chmod 755 "$work"
# a copy, so a rebuild during the runs cannot change what is measured; EVENTLINE_JAR names another tree's build
jar="${EVENTLINE_JAR:-$root/web/target/eventline.jar}"
jar_tree="$(cd "$(dirname "$jar")/../.." && pwd)"
cp "$jar" "$work/eventline.jar"
changes=""
[[ -z "$(git -C "$jar_tree" status --porcelain -- . ':!docs' ':!*.md' 2>/dev/null)" ]] \
  || changes=" with uncommitted changes"
# the tree's HEAD, and the newest commit made before the jar was built when HEAD is newer than the jar
jar_built="$(date -u -r "$jar" +%FT%TZ)"
head="$(git -C "$jar_tree" rev-parse --short HEAD 2>/dev/null || echo unknown)"
built_from="$(git -C "$jar_tree" log -1 --format=%h --before="$jar_built" 2>/dev/null || echo unknown)"
jar_version="eventline.jar built $jar_built, tree at $head$changes"
[[ "$built_from" == "$head" ]] || jar_version="$jar_version (the jar is older than that commit: newest commit before the build $built_from)"
ejabberd_version="ejabberd $(dpkg-query -W -f '${Version}' ejabberd 2>/dev/null || echo '?') (Debian package)"
client_versions="node $(node --version), @xmpp/client $(node -p "require('$bench/xmpp/node_modules/@xmpp/client/package.json').version"), ws $(node -p "require('$bench/xmpp/node_modules/ws/package.json').version")"
mkdir -p "$out"

pid=""
ejabberd_dir=""
ctl() {
  ejabberdctl --config-dir "$ejabberd_dir" --spool "$ejabberd_dir/spool" --logs "$ejabberd_dir/logs" \
    --node "$ejabberd_node" "$@"
}
stop_ejabberd() {
  if [[ -n "$ejabberd_dir" ]]; then
    ctl stop >/dev/null 2>&1 || true
    ctl stopped >/dev/null 2>&1 || true
    ejabberd_dir=""
  fi
}
stop_eventline() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}
cleanup() {
  stop_ejabberd
  stop_eventline
  rm -rf "$work"
}
trap cleanup EXIT

source "$bench/instance-lib.sh"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
generator() { node "$bench/xmpp/side-by-side.mjs" "$@"; }

# a fresh ejabberd node of its own; its beam process's ID in $ejabberd_pid
start_ejabberd() {
  ejabberd_dir="$work/ejabberd-$1"
  mkdir -p "$ejabberd_dir/spool" "$ejabberd_dir/logs"
  sed "s/@PORT@/$ejabberd_port/" "$bench/xmpp/ejabberd.yml" >"$ejabberd_dir/ejabberd.yml"
  cp /etc/ejabberd/inetrc "$ejabberd_dir/inetrc"
  # ejabberdctl reads this instead of the system's /etc/ejabberd/ejabberdctl.cfg; run by root, it starts Erlang
  # through su as the package's user, whose session limits open files to 1,024: the wrapper raises that to the hard
  # limit again, so ejabberd can hold 1,000 sockets
  cat >"$ejabberd_dir/erl" <<'EOF'
#!/bin/sh
ulimit -n "$(ulimit -Hn)"
exec /usr/bin/erl "$@"
EOF
  chmod 755 "$ejabberd_dir/erl"
  cat >"$ejabberd_dir/ejabberdctl.cfg" <<EOF
EJABBERD_PID_PATH=$ejabberd_dir/ejabberd.pid
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
ERL=$ejabberd_dir/erl
EOF
  # ejabberdctl run by root runs ejabberd as the package's user
  [[ "$(id -u)" != 0 ]] || chown -R ejabberd: "$ejabberd_dir"
  ctl start
  ctl started
  ejabberd_pid="$(cat "$ejabberd_dir/ejabberd.pid")"
  echo "ejabberd's open files limit: $(awk '/open files/ { print $4 }' "/proc/$ejabberd_pid/limits")"
}

# the ejabberd part of a run: a fresh node, the generator's output, its log's warnings and errors
run_ejabberd() {
  await_quiet
  echo "== ejabberd: $ejabberd_version, node $ejabberd_node, ws://127.0.0.1:$ejabberd_port/ws"
  echo "machine load before: $(loadavg) (nproc $(nproc)); $client_versions"
  start_ejabberd "$1"
  echo "\$ node docs/benchmarks/xmpp/side-by-side.mjs --system ejabberd --url ws://127.0.0.1:$ejabberd_port/ws --register ${load_args[*]} --server-pid \$BEAM_PID"
  generator --system ejabberd --url "ws://127.0.0.1:$ejabberd_port/ws" --register "${load_args[@]}" \
    --server-pid "$ejabberd_pid" 2>&1 || echo "the load generator failed ($?)"
  echo "server log   $(cat "$ejabberd_dir"/logs/*.log 2>/dev/null | grep -cE '\[(warning|error|critical)\]') warning/error lines (loglevel warning)"
  cat "$ejabberd_dir"/logs/*.log 2>/dev/null | grep -E '\[(warning|error|critical)\]' \
    | sed -E 's/^[0-9T:. +-]+//; s/<[0-9.]+>//; s/[0-9]{3,}/N/g' | cut -c1-150 | sort | uniq -c | sort -rn | head -5 \
    | sed 's/^/             /'
  stop_ejabberd
  echo "machine load after: $(loadavg)"
}

# the Eventline part of a run: a fresh instance as chat.sh starts it, the generator's output, its log's warnings
run_eventline() {
  export EVENTLINE_DATA_DIR="$work/eventline-$1"
  EVENTLINE_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
  export EVENTLINE_JWT_SECRET
  EVENTLINE_METRICS_TOKEN="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
  export EVENTLINE_METRICS_TOKEN
  export EVENTLINE_RATELIMIT_RULES="$work/rules.yaml"
  mkdir -p "$EVENTLINE_DATA_DIR"
  # the same rules as chat.sh: the built-in ones for what a run touches, handshakes per address unlimited
  cp "$root/docs/benchmarks/chat-rules.yaml" "$EVENTLINE_RATELIMIT_RULES"
  echo "== Eventline: $jar_version; $java_opts; http://127.0.0.1:$EVENTLINE_HTTP_PORT"
  echo "machine load before: $(loadavg) (nproc $(nproc)); $client_versions"
  start_instance
  echo "instance ready: $(grep -m1 '^Eventline ready: ' "$work/instance.log" | cut -c1-160)"
  local log_lines
  log_lines="$(wc -l <"$work/instance.log")"
  echo "\$ node docs/benchmarks/xmpp/side-by-side.mjs --system eventline --url http://127.0.0.1:$EVENTLINE_HTTP_PORT ${load_args[*]} --server-pid \$PID"
  generator --system eventline --url "http://127.0.0.1:$EVENTLINE_HTTP_PORT" "${load_args[@]}" --server-pid "$pid" \
    2>&1 || echo "the load generator failed ($?)"
  tail -n +"$((log_lines + 1))" "$work/instance.log" | grep -E ' (WARN|ERROR) ' >"$work/run-log.txt" || true
  echo "server log   $(wc -l <"$work/run-log.txt") WARN/ERROR lines during the run"
  sed -E 's/^[0-9:.]+ +//; s/\[[^]]*\] //; s/[0-9][0-9#.]{3,}/N/g' "$work/run-log.txt" | cut -c1-150 | sort \
    | uniq -c | sort -rn | head -5 | sed 's/^/             /'
  stop_eventline
  rm -rf "$EVENTLINE_DATA_DIR"
  echo "machine load after: $(loadavg)"
}

for n in $(seq 1 "$runs"); do
  file="$out/run-$n$suffix.txt"
  {
    # this block runs in a subshell of its own: it stops what it started if it ends early
    trap 'stop_ejabberd; stop_eventline' EXIT
    echo "\$ docs/benchmarks/xmpp-side-by-side.sh   # run $n of $runs, $(date -u +%FT%TZ)"
    echo "settings: ${load_args[*]}"
    order=(ejabberd eventline)
    ((n % 2 == 1)) || order=(eventline ejabberd)
    for system in "${order[@]}"; do
      [[ " $systems " == *" $system "* ]] || continue
      "run_$system" "$n"
      echo
    done
    echo "summary (p50 / p99 in ms, from the summary-json lines above):"
  } 2>&1 | tee "$file"
  grep -h '^summary-json ' "$file" | sed 's/^summary-json //' | node -e '
    const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
    const ms = (v) => (v == null ? "-" : v.toFixed(1));
    for (const r of lines) console.log(`  ${r.system.padEnd(9)} ${String(r.rate).padStart(5)} msg/s: p50 ${ms(r.p50)}, p90 ${ms(r.p90)}, p99 ${ms(r.p99)}, max ${ms(r.max)}; sent ${r.sent}, received ${r.received}, lost ${r.lost}, duplicated ${r.duplicates}, out of order ${r.outOfOrder}`);
  ' | tee -a "$file"
done

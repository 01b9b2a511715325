#!/usr/bin/env bash
# Runs the news feed benchmarks of BENCHMARKS.md ("News feed"): each scenario of
# streams-app/src/test/java/io/eventline/feed/bench/FanOutBenchmark.java in a JVM of its own, with its own
# embedded broker (temporary directory, free port) and Kafka Streams instance, so nothing else on the machine is
# touched. Writes docs/benchmarks/raw/feed-<name>.txt, each starting with the command, the tree it measured and
# the load average before, and ending with the load average after.
#
#   docs/benchmarks/feed-fanout.sh                        # every run below but the last, about 40 minutes
#   docs/benchmarks/feed-fanout.sh fanout latency         # only the named ones
#
# The runs named *-default-arena use production's settings except RocksDB's memtable arena blocks, which they
# leave at RocksDB's default (512 KiB) as before commit de604d7, to show what that change did.
#
# Build first: mvn -B -q -o install -DskipTests
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
mkdir -p "$out"
cd "$root"

# compile once, so the runs below measure the same classes
mvn -B -q -o -pl streams-app test-compile

tree="tree at $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain -- schemas clients producers streams-app 2>/dev/null)" ]]; then
  tree="$tree with uncommitted changes in schemas/clients/producers/streams-app"
fi

# CPU ticks of the whole machine from /proc/stat: "busy steal total"; steal is time the hypervisor gave to others
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# waits until no test fork, Eventline instance or load generator runs and the load average is below 1, at most
# QUIET_WAIT_SECONDS (20 minutes by default), so a run shares the machine with nothing heavy
await_quiet() {
  local waited=0
  while pgrep -f 'surefire|failsafe|eventline\.jar|eventline-load\.jar' >/dev/null \
      || awk '{ exit !($1 >= 1.0) }' /proc/loadavg; do
    if ((waited >= ${QUIET_WAIT_SECONDS:-1200})); then
      echo "the machine is still busy after ${waited} s; running anyway" >&2
      return
    fi
    sleep 10
    waited=$((waited + 10))
  done
}

# run NAME ARGS...: one scenario, its output to the screen and to $out/feed-NAME.txt
run() {
  local name="$1"
  shift
  local before after
  await_quiet
  {
    echo "\$ mvn -B -q -o -pl streams-app exec:exec -Dfeed.bench.args=\"$*\""
    echo "uptime before: $(uptime) (nproc $(nproc)); $tree"
    before="$(cpu_ticks)"
    mvn -B -q -o -pl streams-app exec:exec -Dfeed.bench.args="$*" 2>&1 \
      | sed -u 's/\x1b\[[0-9;]*m//g' | grep --line-buffered -v ' INFO ' || true
    after="$(cpu_ticks)"
    echo "uptime after: $(uptime)"
    echo "$before $after" | awk '{ t = $6 - $3
      printf "machine cpu during the run: %.0f %% busy, %.0f %% stolen by the hypervisor\n",
        100 * ($4 - $1) / t, 100 * ($5 - $2) / t }'
  } | tee "$out/feed-$name.txt"
  echo
}

# celebrity-default-arena is left out unless named: its million-follower fan-out takes tens of minutes
selected=("$@")
[[ ${#selected[@]} -gt 0 ]] || selected=(fanout fanout-default-arena ops ops-default-arena latency
  latency-default-arena celebrity)
want() { [[ " ${selected[*]} " == *" $1 "* ]]; }

want fanout && run fanout fanout
want fanout-default-arena && run fanout-default-arena fanout rocksdb=default-arena
want ops && run ops ops rounds=2
want ops-default-arena && run ops-default-arena ops rounds=2 rocksdb=default-arena
want latency && run latency latency
want latency-default-arena && run latency-default-arena latency rocksdb=default-arena
want celebrity && run celebrity celebrity
want celebrity-default-arena && run celebrity-default-arena celebrity rocksdb=default-arena
exit 0

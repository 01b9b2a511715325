#!/usr/bin/env bash
# Runs the stream-side rate limiter benchmarks of BENCHMARKS.md ("Rate limiter"), each in a JVM of its own with its
# own embedded broker (temporary directory, free port) and Kafka Streams instance, so nothing else on the machine is
# touched. Writes docs/benchmarks/raw/ratelimit-<name>.txt, each starting with the command, the tree it measured and
# the machine's uptime (load average) before, and ending with the uptime after.
#
#   docs/benchmarks/ratelimit-stream.sh                      # every run below, about 20 minutes
#   docs/benchmarks/ratelimit-stream.sh accuracy latency     # only the named ones
#
#   accuracy            the accuracy table of every algorithm, alone (AccuracyTable) and through the topology
#                       (AccuracyTable stream), one after the other in one file
#   throughput          decisions/s: 200,000 checks over 10,000 counters and over 10, against three ceilings
#   throughput-alone    the same with only the limiter's topology running, no ceilings
#   throughput-rocksdb  the limiter's rounds with RocksDB statistics on (slower): what reaches RocksDB per check,
#                       memtable flushes and write stalls
#   latency             check-to-answer latency at fixed rates: produced and consumed, through a pass-through, and
#                       through the limiter
#
# Build first: mvn -B -q -o install -DskipTests
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
mkdir -p "$out"
cd "$root"

# the launcher's (./eventline) JVM options, with room for the benchmark's own clients beside the instance
export MAVEN_OPTS="${BENCH_JVM:--Xms64m -Xmx1g -XX:MaxDirectMemorySize=256m -XX:+UseSerialGC}"

# compile once, so the runs below measure the same classes
mvn -B -q -o -pl streams-app test-compile

# the code measured: the commit, and whether the main sources the benchmarks run differ from it
tree="tree at $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain -- schemas/src/main producers/src/main streams-app/src/main 2>/dev/null)" ]]; then
  tree="$tree with uncommitted changes in the main sources of schemas/producers/streams-app"
else
  tree="$tree (main sources of schemas/producers/streams-app as committed)"
fi

# CPU ticks of the whole machine from /proc/stat: "busy steal total"; steal is time the hypervisor gave to others
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# waits until no test fork, Eventline instance, load generator or benchmark runs and the 1-minute load average is below
# QUIET_LOAD (1.5), at most QUIET_WAIT_SECONDS (20 minutes by default)
await_quiet() {
  local waited=0
  while pgrep -f 'surefire|failsafe|eventline\.jar|eventline-load\.jar|eventline\.[a-z]*\.bench\.' >/dev/null \
      || awk -v max="${QUIET_LOAD:-1.5}" '{ exit !($1 >= max) }' /proc/loadavg; do
    if ((waited >= ${QUIET_WAIT_SECONDS:-1200})); then
      echo "the machine is still busy after ${waited} s; running anyway" >&2
      return
    fi
    sleep 10
    waited=$((waited + 10))
  done
}

# one MAIN ARGS: a benchmark class of streams-app's tests through exec:java, INFO lines and colours dropped
one() {
  local main="$1"
  shift
  echo "\$ MAVEN_OPTS=\"$MAVEN_OPTS\" mvn -B -q -o -pl streams-app exec:java -Dexec.classpathScope=test" \
    "-Dexec.mainClass=io.eventline.ratelimit.bench.$main${*:+ -Dratelimit.bench.args=\"$*\"}"
  mvn -B -q -o -pl streams-app exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass="io.eventline.ratelimit.bench.$main" ${*:+"-Dratelimit.bench.args=$*"} 2>&1 \
    | sed -u 's/\x1b\[[0-9;]*m//g' | grep --line-buffered -v ' INFO ' || true
}

# run NAME MAIN ARGS [-- MAIN ARGS ...]: one or more benchmarks, output to the screen and to $out/ratelimit-NAME.txt
run() {
  local name="$1"
  shift
  local before after
  await_quiet
  {
    echo "uptime before: $(uptime) (nproc $(nproc)); $tree"
    before="$(cpu_ticks)"
    local args=()
    for word in "$@" --; do
      if [[ "$word" == -- ]]; then
        one "${args[@]}"
        echo
        args=()
      else
        args+=("$word")
      fi
    done
    after="$(cpu_ticks)"
    echo "uptime after: $(uptime)"
    echo "$before $after" | awk '{ t = $6 - $3
      printf "machine cpu during the run: %.0f %% busy, %.0f %% stolen by the hypervisor\n",
        100 * ($4 - $1) / t, 100 * ($5 - $2) / t }'
  } | tee "$out/ratelimit-$name.txt"
  echo
}

selected=("$@")
[[ ${#selected[@]} -gt 0 ]] || selected=(accuracy throughput throughput-alone throughput-rocksdb latency)
want() { [[ " ${selected[*]} " == *" $1 "* ]]; }

want accuracy && run accuracy AccuracyTable -- AccuracyTable stream
want throughput && run throughput DecisionThroughputBenchmark throughput
want throughput-alone && run throughput-alone DecisionThroughputBenchmark throughput topology=ratelimit ceilings=false
want throughput-rocksdb \
  && run throughput-rocksdb DecisionThroughputBenchmark throughput ceilings=false rocksdbStats=true
want latency && run latency DecisionThroughputBenchmark latency
exit 0

#!/usr/bin/env bash
# Shared by notify-throughput.sh and notify-latency.sh (source it, do not run it): compiles streams-app's tests once
# and copies the compiled classes to a private directory, so builds running beside the benchmark (which recompile
# streams-app/target) cannot pull classes from under it; then `notify_run NAME MAIN ARGS` runs
# io.eventline.notify.bench.MAIN in a JVM of its own (embedded broker in a temporary directory on a free port, so
# nothing else on the machine is touched) on that copy plus streams-app's test classpath (from the local Maven
# repository, as `mvn -pl streams-app exec:java -Dexec.classpathScope=test` would use), and writes its output,
# framed by the command, the tree, the machine's load and the test JVMs running beside it, to
# docs/benchmarks/raw/notify-NAME.txt (appended).
#
# Environment: OUT (raw output directory), BENCH_JVM (JVM options; the launcher's by default, with room for the
# benchmark's clients), QUIET_WAIT_SECONDS (how long to wait for test JVMs to finish before running anyway; 180).

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
mkdir -p "$out"
cd "$root"

# the launcher's (./eventline) JVM options, with room for the benchmark's own clients beside the instance
jvm="${BENCH_JVM:--Xms64m -Xmx1g -XX:MaxDirectMemorySize=256m -XX:+UseSerialGC}"

# compile once and keep a copy, so every run measures the same classes whatever else is built meanwhile
classes="$(mktemp -d -t eventline-notify-bench-classes.XXXXXX)"
trap 'rm -rf "$classes"' EXIT
for attempt in 1 2 3; do
  mvn -B -q -o -pl streams-app test-compile
  rm -rf "${classes:?}"/*
  cp -r streams-app/target/classes streams-app/target/test-classes "$classes"/
  [[ -f "$classes/test-classes/io/eventline/notify/bench/NotifyRig.class" \
    && -f "$classes/classes/io/eventline/notify/NotifyTopology.class" ]] && break
  echo "the compiled classes changed while being copied (another build?); compiling again" >&2
  sleep 5
done
mvn -B -q -o -pl streams-app dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$classes/dependencies.txt" >/dev/null
classpath="$classes/test-classes:$classes/classes:$(cat "$classes/dependencies.txt")"

tree="tree at $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain -- schemas/src/main clients/src/main producers/src/main streams-app/src/main 2>/dev/null)" ]]; then
  tree="$tree with uncommitted changes in the main sources of schemas/clients/producers/streams-app"
else
  tree="$tree (main sources of schemas/clients/producers/streams-app as committed)"
fi

# CPU ticks of the whole machine from /proc/stat: "busy steal total"; steal is time the hypervisor gave to others
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

test_jvms() { pgrep -f 'surefire|failsafe' | wc -l; }

# waits up to QUIET_WAIT_SECONDS for a moment without test JVMs (surefire/failsafe), then runs anyway
await_quiet() {
  local waited=0
  while (($(test_jvms) > 0)); do
    if ((waited >= ${QUIET_WAIT_SECONDS:-180})); then
      echo "test JVMs still running after ${waited} s; running anyway"
      return
    fi
    sleep 10
    waited=$((waited + 10))
  done
  echo "no test JVM running (waited ${waited} s)"
}

# notify_run NAME MAIN ARGS: one benchmark JVM; output to the screen and to $out/notify-NAME.txt. The broker logs a
# retriable OutOfOrderSequenceException (with its stack trace) for many transactions; those lines are counted, not kept.
notify_run() {
  local name="$1" main="$2"
  shift 2
  local before after
  {
    echo "\$ java $jvm -cp <streams-app test classpath> io.eventline.notify.bench.$main $*"
    await_quiet
    echo "uptime before: $(uptime) (nproc $(nproc)); test JVMs running: $(test_jvms); $tree"
    before="$(cpu_ticks)"
    # shellcheck disable=SC2086 # the JVM options are words
    java $jvm -cp "$classpath" "io.eventline.notify.bench.$main" "$@" 2>&1 \
      | sed -u 's/\x1b\[[0-9;]*m//g' | grep --line-buffered -v ' INFO ' \
      | awk '/ReplicaManager.*Error processing append operation/ { skip = 1; errors++; next }
             skip && /OutOfOrderSequenceException/ { skip = 0; next }
             { skip = 0; print; fflush() }
             END { printf "(broker: %d append errors \"OutOfOrderSequenceException ... transactions v2\" logged and left out)\n", errors }' \
      || true
    after="$(cpu_ticks)"
    echo "uptime after: $(uptime); test JVMs running: $(test_jvms)"
    echo "$before $after" | awk '{ t = $6 - $3
      printf "machine cpu during the run: %.0f %% busy, %.0f %% stolen by the hypervisor\n",
        100 * ($4 - $1) / t, 100 * ($5 - $2) / t }'
  } | tee -a "$out/notify-$name.txt"
  echo
}

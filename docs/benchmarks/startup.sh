#!/usr/bin/env bash
# Times Eventline from launch to its ready line: RUNS cold starts, each on a fresh data dir, then one warm restart
# on the last cold start's data dir. After each ready line the instance idles IDLE_SECONDS, its RSS is read, and it
# is stopped with SIGTERM. Ports default away from the usual ones so a running instance is not disturbed.
#
#   docs/benchmarks/startup.sh            # from the repository root, after building web/target/eventline.jar
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${EVENTLINE_JAR:-$root/web/target/eventline.jar}"
# the launcher's (./eventline) defaults
java_opts="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
runs="${RUNS:-3}"
idle="${IDLE_SECONDS:-30}"
export EVENTLINE_HTTP_PORT="${EVENTLINE_HTTP_PORT:-18480}"
export EVENTLINE_KAFKA_PORT="${EVENTLINE_KAFKA_PORT:-19492}"
export EVENTLINE_REGISTRY_PORT="${EVENTLINE_REGISTRY_PORT:-18481}"

# a copy, so a rebuild of the jar during the runs cannot change what is measured
work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-startup.XXXXXX")"
cp "$jar" "$work/eventline.jar"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

now() { date +%s.%N; }

# start_once LABEL DATA_DIR: prints one result line
start_once() {
  local label="$1" data="$2" log="$work/$1.log" t0 t1 ready=""
  t0="$(now)"
  # shellcheck disable=SC2086
  EVENTLINE_DATA_DIR="$data" java $java_opts -jar "$work/eventline.jar" run >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if grep -q '^Eventline ready: ' "$log"; then
      ready=yes
      break
    fi
    if (($(date +%s) - ${t0%.*} > 300)); then
      break
    fi
    sleep 0.05
  done
  t1="$(now)"
  if [[ -z "$ready" ]]; then
    echo "$label: not ready; last lines of its log:"
    tail -20 "$log"
    exit 1
  fi
  sleep "$idle"
  local rss
  rss="$(ps -o rss= -p "$pid" | tr -d ' ')"
  local t2 t3
  t2="$(now)"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  t3="$(now)"
  pid=""
  printf '%-8s ready in %6.2f s   RSS after %ss idle: %4d MiB   stopped in %5.2f s\n' \
    "$label" "$(echo "$t1 - $t0" | bc)" "$idle" "$((rss / 1024))" "$(echo "$t3 - $t2" | bc)"
}

echo "jar: $jar ($(du -m "$jar" | cut -f1) MiB, built $(date -u -r "$jar" +%FT%TZ)," \
  "tree at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)), java options: $java_opts"
echo "ports: http $EVENTLINE_HTTP_PORT, kafka $EVENTLINE_KAFKA_PORT, registry $EVENTLINE_REGISTRY_PORT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
data=""
for i in $(seq 1 "$runs"); do
  data="$(mktemp -d "$work/data-cold$i.XXXX")"
  start_once "cold $i" "$data"
done
start_once "warm" "$data"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$work"

#!/usr/bin/env bash
# The ops page's own cost: CPU seconds a fresh Eventline instance uses over 60 s under a fixed load (200
# GET /{code}/s and 20 POST /api/v1/urls/s from the load generator), with no ops page open and with three pages open
# (headless Chromium through playwright-core, web/src/test/node/ops-pages-open.mjs), alternating, ROUNDS (3) times each.
# Writes docs/benchmarks/raw/ops-page-cost.txt; ports 18880 (HTTP), 19892 (Kafka), 18881 (registry).
#
#   docs/benchmarks/ops-page-cost.sh
#
# Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package; and npm ci in web/src/test/node.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
java_opts="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
export EVENTLINE_HTTP_PORT="${EVENTLINE_HTTP_PORT:-18880}"
export EVENTLINE_KAFKA_PORT="${EVENTLINE_KAFKA_PORT:-19892}"
export EVENTLINE_REGISTRY_PORT="${EVENTLINE_REGISTRY_PORT:-18881}"
url="http://localhost:$EVENTLINE_HTTP_PORT"
window="${WINDOW_SECONDS:-60}"
rounds="${ROUNDS:-3}"
warmup="${WARMUP_SECONDS:-90}"
pages="${PAGES:-3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-bench.XXXXXX")"
cp "$root/web/target/eventline.jar" "$work/eventline.jar"
cp "$root/producers/target/eventline-load.jar" "$work/eventline-load.jar"
jar_version="eventline.jar built $(date -u -r "$root/web/target/eventline.jar" +%FT%TZ), tree at $(
  git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
export EVENTLINE_DATA_DIR="$work/data"
mkdir -p "$EVENTLINE_DATA_DIR" "$out"

pid=""
loaders=()
cleanup() {
  for loader in "${loaders[@]}"; do kill "$loader" 2>/dev/null || true; done
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=docs/benchmarks/instance-lib.sh
source "$root/docs/benchmarks/instance-lib.sh"
start_instance
token="$(java -jar "$work/eventline.jar" token bench)"
admin="$(java -jar "$work/eventline.jar" token ops --admin --ttl 1h)"

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"; }
machine_cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}

java -jar "$work/eventline-load.jar" http-post-urls --url "$url" --token "$token" --rate 50 --duration 2s \
  --warmup 0s >/dev/null
mapfile -t codes < <(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/urls?limit=20" | jq -r '.items[].code')
paths=()
for code in "${codes[@]}"; do paths+=(--path "/$code"); done

# the fixed load runs through every window, warm-up included
total=$((warmup + rounds * 2 * (window + 15) + 60))
java -jar "$work/eventline-load.jar" http-get --url "$url" "${paths[@]}" --rate 200 --duration "${total}s" \
  --warmup 0s >/dev/null &
loaders+=($!)
java -jar "$work/eventline-load.jar" http-post-urls --url "$url" --token "$token" --rate 20 --duration "${total}s" \
  --warmup 0s >/dev/null &
loaders+=($!)
echo "warming up for ${warmup}s under the load"
sleep "$warmup"

# the Java threads serving the live streams (a request thread each, inside LiveRoutes.live): nid<TAB>cpu ms. A
# stream's thread does all of its stream's work (assembling the snapshot, or reading the one a second stream
# assembled, and writing it), so their CPU is the pages' cost on the server, whatever else the machine runs.
stream_threads() {
  jcmd "$pid" Thread.print 2>/dev/null | awk '
    /^"/ { if (nid != "" && live) print nid "\t" cpu; nid = ""; live = 0
           if (match($0, /cpu=[0-9.]+ms/)) cpu = substr($0, RSTART + 4, RLENGTH - 6)
           if (match($0, /nid=0x[0-9a-f]+/)) nid = substr($0, RSTART + 4, RLENGTH - 4) }
    /io\.eventline\.ops\.LiveRoutes\.live/ { live = 1 }
    END { if (nid != "" && live) print nid "\t" cpu }'
}

# measure NAME: the instance's CPU seconds over $window seconds, with what the caller opened meanwhile, and the CPU
# of the threads serving live streams
measure() {
  local before after machine_before machine_after t0 t1 streams_before streams_after streams
  streams_before="$(stream_threads)"
  before="$(cpu_seconds)"
  machine_before="$(machine_cpu_seconds)"
  t0="$(date +%s.%N)"
  sleep "$window"
  after="$(cpu_seconds)"
  machine_after="$(machine_cpu_seconds)"
  t1="$(date +%s.%N)"
  streams_after="$(stream_threads)"
  streams="$(awk -F'\t' 'NF < 2 { next } NR == FNR { start[$1] = $2; next } ($1 in start) { ms += $2 - start[$1]; n++ }
    END { printf "%d streams %.2f s", n, ms / 1000 }' <(echo "$streams_before") <(echo "$streams_after"))"
  printf '%-12s instance cpu %7.2f s in %5.1f s = %.3f cores (live-stream threads: %s); machine cpu %7.2f s = %.2f of %d cores; load %s\n' \
    "$1" "$(echo "$after - $before" | bc)" "$(echo "$t1 - $t0" | bc)" \
    "$(echo "($after - $before) / ($t1 - $t0)" | bc -l)" "$streams" "$(echo "$machine_after - $machine_before" | bc)" \
    "$(echo "($machine_after - $machine_before) / ($t1 - $t0)" | bc -l)" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

{
  echo "\$ docs/benchmarks/ops-page-cost.sh   (WINDOW_SECONDS=$window ROUNDS=$rounds PAGES=$pages)"
  echo "load: http-get of ${#codes[@]} codes at 200/s + http-post-urls at 20/s; $jar_version"
  for round in $(seq 1 "$rounds"); do
    measure "no-page-$round"
    (cd "$root/web/src/test/node" && OPS_BASE_URL="$url" OPS_TOKEN="$admin" OPS_PAGES="$pages" \
      OPS_SECONDS="$((window + 5))" node ops-pages-open.mjs >"$work/pages.log" 2>&1) &
    browser=$!
    # until every page is open and live; the window starts after that
    for _ in $(seq 1 240); do grep -q 'pages open' "$work/pages.log" && break; sleep 0.5; done
    grep -q 'pages open' "$work/pages.log" || { echo "the pages did not open within 120 s:"; cat "$work/pages.log"; exit 1; }
    measure "$pages-pages-$round"
    wait "$browser"
    sed 's/^/             /' "$work/pages.log" | grep 'updates per page'
    sleep 5
  done
} | tee "$out/ops-page-cost.txt"

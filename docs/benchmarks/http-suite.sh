#!/usr/bin/env bash
# Starts a fresh Eventline instance (own data dir, ports away from the usual ones), runs the HTTP and Kafka load
# benchmarks of BENCHMARKS.md against it one after another, writes each tool output to docs/benchmarks/raw/, and
# stops the instance. Each file starts with the command and the machine's load average before and after, and ends
# with the CPU time the instance used during the run.
#
#   docs/benchmarks/http-suite.sh                 # all of them
#   docs/benchmarks/http-suite.sh post-200rps     # only the named ones
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
post_rates="${POST_RATES:-400 600 800}"
get_rate="${GET_RATE:-500}"
concurrency="${CONCURRENCY:-16}"
settle="${SETTLE_SECONDS:-10}"

# copies, so a rebuild during the runs cannot change what is measured
work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-bench.XXXXXX")"
cp "$root/web/target/eventline.jar" "$work/eventline.jar"
jar_version="eventline.jar built $(date -u -r "$root/web/target/eventline.jar" +%FT%TZ), tree at $(
  git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
cp "$root/producers/target/eventline-load.jar" "$work/eventline-load.jar"
export EVENTLINE_DATA_DIR="$work/data"
mkdir -p "$EVENTLINE_DATA_DIR" "$out"

pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck disable=SC2086
java $java_opts -jar "$work/eventline.jar" run >"$work/instance.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q '^Eventline ready: ' "$work/instance.log" && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$work/instance.log"; exit 1; }
  sleep 0.5
done
grep -q '^Eventline ready: ' "$work/instance.log" || { echo "not ready"; exit 1; }
token="$(java -jar "$work/eventline.jar" token bench)"

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"; }
# CPU seconds used by everything on the machine, to tell other work on it from this benchmark's own
machine_cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}

# bench NAME ARGS...: one run of the load generator, its output to the screen and to $out/NAME.txt
bench() {
  local name="$1"
  shift
  sleep "$settle"
  local before after t0 t1 machine_before machine_after
  before="$(cpu_seconds)"
  machine_before="$(machine_cpu_seconds)"
  t0="$(date +%s.%N)"
  {
    echo "\$ java -jar producers/target/eventline-load.jar $*" | sed "s/$token/\$TOKEN/g${feed_token:+; s/$feed_token/\$FEED_TOKEN/g}"
    echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc)); $jar_version"
    java -jar "$work/eventline-load.jar" "$@" || true
    after="$(cpu_seconds)"
    machine_after="$(machine_cpu_seconds)"
    t1="$(date +%s.%N)"
    echo "server cpu   $(echo "$after - $before" | bc) s in $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s" \
      "= $(printf '%.2f' "$(echo "($after - $before) / ($t1 - $t0)" | bc -l)") cores"
    echo "machine cpu  $(echo "$machine_after - $machine_before" | bc) s" \
      "= $(printf '%.2f' "$(echo "($machine_after - $machine_before) / ($t1 - $t0)" | bc -l)") of $(nproc) cores" \
      "(server, client and anything else running)"
    echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/$name.txt"
  echo
}

selected=("$@")
want() { [[ ${#selected[@]} -eq 0 ]] || [[ " ${selected[*]} " == *" $1 "* ]]; }

# links to follow, made before any measurement
java -jar "$work/eventline-load.jar" http-post-urls --url "$url" --token "$token" --rate 50 --duration 2s \
  --warmup 0s >/dev/null
mapfile -t codes < <(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/urls?limit=20" | jq -r '.items[].code')
paths=()
for code in "${codes[@]}"; do paths+=(--path "/$code"); done

# a feed to read: one reader following 20 authors with 2 posts each, so every page hydrates 20 posts by 20
# authors; only when a feed run is selected
feed_path="/api/v1/me/feed?limit=20"
feed_token=""
api() { curl -sf -o /dev/null -w '%{http_code}' -X "$1" -H "Authorization: Bearer $2" "$url$3" ${4:+-d "$4"}; }
if want feed-get-saturation || want "feed-get-${FEED_GET_RATE:-1000}rps"; then
  feed_token="$(java -jar "$work/eventline.jar" token feed-reader)"
  api PUT "$feed_token" /api/v1/me/profile '{"displayName":"Feed reader"}' >/dev/null
  for i in $(seq 1 20); do
    author_token="$(java -jar "$work/eventline.jar" token "feed-author-$i")"
    api PUT "$author_token" /api/v1/me/profile "{\"displayName\":\"Author $i\"}" >/dev/null
    api PUT "$feed_token" "/api/v1/me/following/feed-author-$i" >/dev/null
    for n in 1 2; do
      api POST "$author_token" /api/v1/posts "{\"text\":\"post $n of author $i, long enough to look like a post\"}" \
        >/dev/null
    done
  done
  items="$(curl -sf -H "Authorization: Bearer $feed_token" "$url$feed_path" | jq '.items | length')"
  [[ "$items" == 20 ]] || { echo "the reader's feed has $items items, not 20"; exit 1; }
fi

# a freshly started instance spends its first minutes compiling (its p99 stays in seconds meanwhile); load every
# path for a while, unmeasured, first. Each run's own warm-up then covers the load generator's JVM warming up.
if [[ "${WARMUP_SECONDS:-180}" -gt 0 ]]; then
  echo "warming the instance up for ${WARMUP_SECONDS:-180}s"
  warmers=()
  for args in "http-post-urls --token $token --rate 100" "http-get ${paths[*]} --rate 200" \
      "http-get --path /health --rate 200" ${feed_token:+"http-get --path $feed_path --token $feed_token --rate 200"}; do
    # shellcheck disable=SC2086
    java -jar "$work/eventline-load.jar" $args --url "$url" --duration "${WARMUP_SECONDS:-180}s" --warmup 0s \
      >/dev/null &
    warmers+=($!)
  done
  wait "${warmers[@]}"
fi

want post-200rps && bench post-200rps http-post-urls --url "$url" --token "$token" --rate 200 --duration 30s \
  --warmup 30s --interval 5s --percentiles
for rate in $post_rates; do
  want "post-${rate}rps" && bench "post-${rate}rps" http-post-urls --url "$url" --token "$token" --rate "$rate" \
    --duration 30s --warmup 30s --interval 5s
done
want post-saturation && bench post-saturation http-post-urls --url "$url" --token "$token" \
  --concurrency 64 --duration 30s --warmup 10s
want get-code-saturation && bench get-code-saturation http-get --url "$url" "${paths[@]}" \
  --concurrency "$concurrency" --duration 30s --warmup 10s
want health-saturation && bench health-saturation http-get --url "$url" --path /health \
  --concurrency "$concurrency" --duration 30s --warmup 10s
want "get-code-${get_rate}rps" && bench "get-code-${get_rate}rps" http-get --url "$url" "${paths[@]}" \
  --rate "$get_rate" --duration 30s --warmup 30s --interval 5s --percentiles
want "health-${get_rate}rps" && bench "health-${get_rate}rps" http-get --url "$url" --path /health \
  --rate "$get_rate" --duration 30s --warmup 30s --interval 5s --percentiles
want feed-health-saturation && bench feed-health-saturation http-get --url "$url" --path /health \
  --concurrency "$concurrency" --duration 30s --warmup 10s
want feed-get-saturation && bench feed-get-saturation http-get --url "$url" --path "$feed_path" \
  --token "$feed_token" --concurrency "$concurrency" --duration 30s --warmup 10s
want "feed-get-${FEED_GET_RATE:-1000}rps" && bench "feed-get-${FEED_GET_RATE:-1000}rps" http-get --url "$url" \
  --path "$feed_path" --token "$feed_token" --rate "${FEED_GET_RATE:-1000}" --duration 30s --warmup 30s \
  --interval 5s --percentiles
# registering the event's schema is a write: it takes the credentials the instance generated
want kafka-produce && SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO="$(cat "$EVENTLINE_DATA_DIR/registry-user-info")" \
  bench kafka-produce kafka-produce --bootstrap "localhost:$EVENTLINE_KAFKA_PORT" \
  --registry "http://localhost:$EVENTLINE_REGISTRY_PORT" --count 100000
exit 0

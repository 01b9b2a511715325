#!/usr/bin/env bash
# The mixed HTTP suite on 1 and then 3 instances of the same cluster: brings up 3 brokers and 1 instance with
# ops/local-cluster.sh, prepares what the suite reads (20 links, a feed of 20 authors' posts), raises the eventline
# domain's rate limits far above the load (so the suite measures serving, not refusing), warms the instance up and
# runs the mix through nginx; then adds two instances (the same brokers and state), waits until the assignment has
# settled, warms them up and runs the same mix again.
#
# The mix, all at once, closed loop (each keeps its requests in flight, so together they find what the machine
# serves): POST /api/v1/urls over 20 users (POST_CONCURRENCY 4), GET /{code} over 20 links (GET_CONCURRENCY 8) and
# the feed page of a reader following 20 authors (FEED_CONCURRENCY 4), DURATION (30s) after 10 s of warm-up each.
# On a machine of 2 cores the three instances share the same cores as the one did, so the second run shows what
# more JVMs cost (heap, threads, forwarding between instances, rebalancing), not a speed-up.
#
#   docs/benchmarks/cluster-http-suite.sh
#
# Writes docs/benchmarks/raw/cluster-http-suite-1.txt and cluster-http-suite-3.txt. Knobs:
# EVENTLINE_CLUSTER_PORT_BASE (24000), EVENTLINE_CLUSTER_DIR (${TMPDIR:-/tmp}/eventline-hashing-cluster),
# WARMUP_SECONDS (90, unmeasured load on every path before each run),
# DURATION (30s), POST_CONCURRENCY, GET_CONCURRENCY, FEED_CONCURRENCY, KEEP_CLUSTER, OUT.
#
# Needs jq, curl and openssl. Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
cluster="$root/ops/local-cluster.sh"
export EVENTLINE_CLUSTER_PORT_BASE="${EVENTLINE_CLUSTER_PORT_BASE:-24000}"
export EVENTLINE_CLUSTER_DIR="${EVENTLINE_CLUSTER_DIR:-${TMPDIR:-/tmp}/eventline-hashing-cluster}"
# the instances run with the default EVENTLINE_STANDBY_REPLICAS (1); standbys beyond it are warm-ups
standby_replicas=1
warmup_seconds="${WARMUP_SECONDS:-90}"
duration="${DURATION:-30s}"
post_concurrency="${POST_CONCURRENCY:-4}"
get_concurrency="${GET_CONCURRENCY:-8}"
feed_concurrency="${FEED_CONCURRENCY:-4}"
stable_seconds="${STABLE_SECONDS:-30}"
settle_timeout="${SETTLE_TIMEOUT_SECONDS:-600}"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
feed_path="/api/v1/me/feed?limit=20"

for tool in jq curl openssl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
[[ -x "$cluster" ]] || { echo "$cluster is missing" >&2; exit 1; }
[[ -f "$root/producers/target/eventline-load.jar" ]] || { echo "build first: mvn -B -o -q -DskipTests package" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-cluster-suite.XXXXXX")"
cp "$root/producers/target/eventline-load.jar" "$work/eventline-load.jar"
load_gen() { java -jar "$work/eventline-load.jar" "$@"; }
cleanup() {
  if [[ -z "${KEEP_CLUSTER:-}" ]]; then
    "$cluster" down --purge >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"
report=/dev/null
log() { echo "$*" | tee -a "$report"; }

"$cluster" down --purge >/dev/null 2>&1 || true
"$cluster" up --brokers 3 --instances 1
# shellcheck disable=SC1091
source "$EVENTLINE_CLUSTER_DIR/cluster.env"
admin="$(java -jar "$EVENTLINE_JAR" token --admin ops)"
# shellcheck source=cluster-lib.sh
source "$root/docs/benchmarks/cluster-lib.sh"
url="$EVENTLINE_URL"

# every limit of the eventline domain raised far above this load, still enforced
rules="/api/v1/admin/ratelimit/rules/eventline"
curl -sf -H "Authorization: Bearer $admin" "$url$rules" | jq 'del(.domain, .version, .updatedAt, .updatedBy)
  | walk(if type == "object" and has("rate_limit") then .rate_limit = {unit: "second",
    requests_per_unit: 10000000, algorithm: "token_bucket", burst: 10000000} | .shadow = false else . end)' \
  >"$work/rules-raised.json"
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  --data-binary "@$work/rules-raised.json" "$url$rules"

# the users POST /api/v1/urls is spread over, and 20 of their links to follow
post_tokens=()
for i in $(seq 1 20); do post_tokens+=(--token "$(jwt "suite-user-$i")"); done
load_gen http-post-urls --url "$url" "${post_tokens[@]}" --rate 20 --duration 2s --warmup 0s >/dev/null
paths=()
for i in 1 2 3 4; do
  for code in $(curl -sf -H "Authorization: Bearer $(jwt "suite-user-$i")" "$url/api/v1/urls?limit=5" \
      | jq -r '.items[].code'); do
    paths+=(--path "/$code")
  done
done
((${#paths[@]} >= 10)) || { echo "only ${#paths[@]} links to follow" >&2; exit 1; }

# a feed to read: one reader following 20 authors with 2 posts each
api() { curl -sf -o /dev/null -w '%{http_code}' -X "$1" -H "Authorization: Bearer $2" "$url$3" ${4:+-d "$4"}; }
feed_token="$(jwt feed-reader)"
api PUT "$feed_token" /api/v1/me/profile '{"displayName":"Feed reader"}' >/dev/null
for i in $(seq 1 20); do
  author_token="$(jwt "feed-author-$i")"
  api PUT "$author_token" /api/v1/me/profile "{\"displayName\":\"Author $i\"}" >/dev/null
  api PUT "$feed_token" "/api/v1/me/following/feed-author-$i" >/dev/null
  for n in 1 2; do
    api POST "$author_token" /api/v1/posts "{\"text\":\"post $n of author $i, long enough to look like a post\"}" \
      >/dev/null
  done
done
items=0
for _ in $(seq 1 60); do
  items="$(curl -sf -H "Authorization: Bearer $feed_token" "$url$feed_path" | jq '.items | length')" || items=0
  [[ "$items" == 20 ]] && break
  sleep 1
done
[[ "$items" == 20 ]] || { echo "the reader's feed has $items items, not 20" >&2; exit 1; }

# CPU seconds of every process the cluster started (brokers, instances, nginx) and of the whole machine
cluster_cpu() {
  local total=0 pid
  for file in "$EVENTLINE_CLUSTER_DIR"/run/*.pid; do
    pid="$(<"$file")"
    [[ -r "/proc/$pid/stat" ]] || continue
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "scale=2; $total / $(getconf CLK_TCK)" | bc
}
machine_cpu() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }

warm_up() {
  echo "warming up for ${warmup_seconds}s"
  local warmers=()
  load_gen http-post-urls --url "$url" "${post_tokens[@]}" --rate 50 --duration "${warmup_seconds}s" --warmup 0s \
    >/dev/null & warmers+=($!)
  load_gen http-get --url "$url" "${paths[@]}" --rate 200 --duration "${warmup_seconds}s" --warmup 0s \
    >/dev/null & warmers+=($!)
  load_gen http-get --url "$url" --path "$feed_path" --token "$feed_token" --rate 100 \
    --duration "${warmup_seconds}s" --warmup 0s >/dev/null & warmers+=($!)
  wait "${warmers[@]}" || true
}

# run N: the mix through nginx, to $out/cluster-http-suite-N.txt
run() {
  local n="$1" c0 c1 m0 m1 t0 t1
  report="$out/cluster-http-suite-$n.txt"
  : >"$report"
  log "\$ docs/benchmarks/cluster-http-suite.sh   # run on $n instance(s): $EVENTLINE_CLUSTER_INSTANCES, 3 brokers, nginx"
  log "commit: $commit; EVENTLINE_STANDBY_REPLICAS=$standby_replicas; instance JVM options as ops/local-cluster.sh"
  log "machine load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))"
  log "mix, all at once through nginx: http-post-urls (20 users) --concurrency $post_concurrency; http-get /{code}" \
    "($((${#paths[@]} / 2)) links) --concurrency $get_concurrency; http-get $feed_path --concurrency $feed_concurrency;" \
    "--duration $duration --warmup 10s each"
  c0="$(cluster_cpu)" m0="$(machine_cpu)" t0="$(date +%s.%N)"
  load_gen http-post-urls --url "$url" "${post_tokens[@]}" --concurrency "$post_concurrency" --duration "$duration" \
    --warmup 10s >"$work/post.txt" 2>&1 &
  local p1=$!
  load_gen http-get --url "$url" "${paths[@]}" --concurrency "$get_concurrency" --duration "$duration" \
    --warmup 10s >"$work/get.txt" 2>&1 &
  local p2=$!
  load_gen http-get --url "$url" --path "$feed_path" --token "$feed_token" --concurrency "$feed_concurrency" \
    --duration "$duration" --warmup 10s >"$work/feed.txt" 2>&1 &
  local p3=$!
  wait "$p1" "$p2" "$p3" || true
  c1="$(cluster_cpu)" m1="$(machine_cpu)" t1="$(date +%s.%N)"
  for part in post get feed; do
    log ""
    log "--- $part"
    sed 's/eyJ[A-Za-z0-9._-]*/$TOKEN/g' "$work/$part.txt" | tee -a "$report"
  done
  local total
  total="$(cat "$work"/{post,get,feed}.txt | sed -n 's/^achieved *\([0-9.]*\)\/s.*/\1/p' | paste -sd+ - | bc)"
  log ""
  log "mix total    $total requests/s achieved (the three together)"
  log "cluster cpu  $(echo "$c1 - $c0" | bc) s in $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s" \
    "= $(printf '%.2f' "$(echo "($c1 - $c0) / ($t1 - $t0)" | bc -l)") cores (brokers, instances, nginx)"
  log "machine cpu  $(echo "$m1 - $m0" | bc) s = $(printf '%.2f' "$(echo "($m1 - $m0) / ($t1 - $t0)" | bc -l)")" \
    "of $(nproc) cores (cluster, load generators and anything else running)"
  log "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

warm_up
run 1

report=/dev/null
"$cluster" add-instance
"$cluster" add-instance
# shellcheck disable=SC1091
source "$EVENTLINE_CLUSTER_DIR/cluster.env"
await_settled 3 "$work/cluster-3.json"
warm_up
run 3

#!/usr/bin/env bash
# Re-runs the hot-path bar of BENCHMARKS.md at HEAD: starts a fresh Eventline instance A (own data dir, ports away
# from the usual ones, the launcher's JVM options, a GC log kept with the raw output), measures GET /{code} against
# GET /health with wrk, POST /api/v1/urls at 200/s over 20 users, the check API on the counters A owns, and the
# feed page; then starts instance B, which joins A's broker and shares its work, and measures checks sent to B for
# counters A owns (every one forwarded). Writes each run to docs/benchmarks/raw/hot-paths/NAME.txt, starting with
# the command, the commit and the load average, ending with the run's GC pauses (from the window of the instance's
# GC log the run covered, copied to NAME-gc.log); prints a markdown table of every figure against its target.
#
#   docs/benchmarks/hot-paths.sh                                  # all of them, about 20 minutes
#   docs/benchmarks/hot-paths.sh code-vs-health check-forwarded   # only the named ones (the warm-up always runs):
#       code-vs-health post-200rps-20users check-local feed check-forwarded
#   DURATION=2s RUN_WARMUP=1s WRK_DURATION=2s ROUNDS=1 WARMUP_SECONDS=5 QUIET_WAIT_SECONDS=0 \
#     docs/benchmarks/hot-paths.sh                                # a quick check that the tooling works (no figures)
#
# Knobs: EVENTLINE_JAVA_OPTS (default: the ./eventline launcher's), DURATION (30s, the fixed-rate and saturation
# runs), RUN_WARMUP (30s, before each fixed-rate run; saturation runs take 10s), WRK_DURATION (8s), ROUNDS (3),
# WARMUP_SECONDS (120, all paths at once, unmeasured, on a fresh instance), CHECK_RATE (1000), COUNTERS (10000),
# POST_RATE (200), USERS (20), REQUEST_THREADS (JettyServerThreadPool: the thread names whose CPU counts as serving
# the feed page; the whole process's is printed next to it), OUT (the output directory), QUIET_WAIT_SECONDS and
# QUIET_LOAD (instance A starts once the machine is quiet, see instance-lib.sh).
#
# Which partitions of ratelimit.checks.v1 an instance decides is read from its /metrics: the task IDs
# ("<subtopology>_<partition>") of the rate-limit source node its stream threads run. The partition of a counter is
# Kafka's default partitioner over its key (http-check --in-partition), out of EVENTLINE_TOPIC_PARTITIONS (6).
#
# Needs wrk (apt-get install wrk), jq, curl and bc. Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/docs/benchmarks"
out="${OUT:-$root/docs/benchmarks/raw/hot-paths}"
launcher_opts="$(sed -n 's/.*\${EVENTLINE_JAVA_OPTS:-\([^}]*\)}.*/\1/p' "$root/eventline")"
[[ -n "$launcher_opts" ]] || { echo "cannot read the JVM options of $root/eventline" >&2; exit 1; }
java_opts="${EVENTLINE_JAVA_OPTS:-$launcher_opts}"
duration="${DURATION:-30s}"
run_warmup="${RUN_WARMUP:-30s}"
wrk_duration="${WRK_DURATION:-8s}"
rounds="${ROUNDS:-3}"
check_rate="${CHECK_RATE:-1000}"
counters="${COUNTERS:-10000}"
post_rate="${POST_RATE:-200}"
users="${USERS:-20}"
partitions="${EVENTLINE_TOPIC_PARTITIONS:-6}"
port_a=18680 port_b=18690
url_a="http://localhost:$port_a"
url_b="http://localhost:$port_b"
feed_path="/api/v1/me/feed?limit=20"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
command_line="docs/benchmarks/hot-paths.sh${*:+ $*}"

for length in "$duration" "$run_warmup"; do
  [[ "$length" =~ ^[0-9]+s$ ]] || { echo "DURATION and RUN_WARMUP are whole seconds, e.g. 30s; got $length" >&2; exit 1; }
done

selected=("$@")
want() { [[ ${#selected[@]} -eq 0 ]] || [[ " ${selected[*]} " == *" $1 "* ]]; }
for tool in jq curl bc jcmd; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
if want code-vs-health && ! command -v wrk >/dev/null; then
  echo "wrk is missing: install it with 'sudo apt-get install wrk' (Debian/Ubuntu)" >&2
  exit 1
fi

# copies, so a rebuild during the runs cannot change what is measured
work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-hot-paths.XXXXXX")"
cp "$root/web/target/eventline.jar" "$work/eventline.jar"
cp "$root/producers/target/eventline-load.jar" "$work/eventline-load.jar"
jar_version="eventline.jar built $(date -u -r "$root/web/target/eventline.jar" +%FT%TZ), tree at $commit"
mkdir -p "$out"
# both instances sign and check tokens with the same secret, and B writes schemas with A's registry credentials
EVENTLINE_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
EVENTLINE_REGISTRY_USER_INFO="bench:$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')"
export EVENTLINE_JWT_SECRET EVENTLINE_REGISTRY_USER_INFO

pid="" pid_b=""
stop() {
  if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1"
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$pid_b"
  stop "$pid"
  # what the instances warned about (a limiter falling back to its failure mode, say) stays with the output
  for log in "$work"/*.log; do
    [[ -f "$log" ]] && grep -E '(WARN|ERROR) ' "$log" | tail -200 >"$out/$(basename "$log" .log)-warnings.txt" || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

source "$here/instance-lib.sh"

# start NAME HTTP_PORT ENV...: an instance of $work/eventline.jar with its own data dir, log and GC log; sets
# $started to its process ID once it is ready, ends the script when it stops or is not ready within 5 minutes
start() {
  local name="$1" http_port="$2"
  shift 2
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086
  env EVENTLINE_DATA_DIR="$work/$name" EVENTLINE_HTTP_PORT="$http_port" \
    EVENTLINE_ADVERTISED_URL="http://localhost:$http_port" "$@" \
    java $java_opts "-Xlog:gc*:file=$out/$name-gc.log:uptime,level,tags" -jar "$work/eventline.jar" run \
    >"$work/$name.log" 2>&1 &
  started=$!
  for _ in $(seq 1 600); do
    grep -q '^Eventline ready: ' "$work/$name.log" && break
    kill -0 "$started" 2>/dev/null || { tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q '^Eventline ready: ' "$work/$name.log" || { echo "$name not ready" >&2; exit 1; }
}

token() { java -jar "$work/eventline.jar" token "$@"; }
uptime_of() { jcmd "$1" VM.uptime | awk 'NR == 2 { print $1 }'; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
load_gen() { java -jar "$work/eventline-load.jar" "$@"; }

# the partitions of ratelimit.checks.v1 an instance decides: the tasks of the rate-limit subtopology its stream
# threads run, as Kafka Streams reports them (task_id "<subtopology>_<partition>" of the checks' source node); a
# revoked task's metrics go with it, and standby tasks have none
owned_partitions() {
  curl -sf -H "Authorization: Bearer $admin" "$1/metrics" \
    | sed -n 's/^kafka_stream_processor_node_process_total{.*processor_node_id="ratelimit-checks-source".*task_id="[0-9]*_\([0-9]*\)".*/\1/p' \
    | sort -n | uniq | paste -sd, -
}

# bench NAME PID COMMAND...: one run of COMMAND (its output to the screen and to $out/NAME.txt), framed by the
# instance PID's JVM uptime, CPU and GC pauses over the run
bench() {
  local name="$1" target="$2"
  shift 2
  local before after t0 t1 up0 up1
  {
    echo "\$ $*" | sed "s|^\\\$ load_gen |\$ java -jar producers/target/eventline-load.jar |; s/eyJ[A-Za-z0-9._-]*/\$TOKEN/g"
    echo "script: $command_line"
    echo "commit: $commit ($jar_version)"
    echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc)); JVM options: $java_opts"
    up0="$(uptime_of "$target")"
    [[ -z "${other_pid:-}" ]] || other_up0="$(uptime_of "$other_pid")"
    before="$(cpu_seconds "$target")"
    t0="$(date +%s.%N)"
    "$@" || true
    t1="$(date +%s.%N)"
    after="$(cpu_seconds "$target")"
    up1="$(uptime_of "$target")"
    echo "server cpu   $(echo "$after - $before" | bc) s in $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s" \
      "= $(printf '%.2f' "$(echo "($after - $before) / ($t1 - $t0)" | bc -l)") cores"
    echo "gc window    JVM uptime $up0 s to $up1 s (log: $name-gc.log)"
    echo "gc           $(GC_LINES="$out/$name-gc.log" "$here/gc-pauses.sh" "$gc_log" "$up0" "$up1")"
    if [[ -n "${other_pid:-}" ]]; then
      echo "other gc     instance A, JVM uptime $other_up0 s to $(uptime_of "$other_pid") s (log: $name-a-gc.log):" \
        "$(GC_LINES="$out/$name-a-gc.log" "$here/gc-pauses.sh" "$other_gc_log" "$other_up0" "$(uptime_of "$other_pid")")"
    fi
    echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/$name.txt"
  echo
}

# value FILE PATTERN FIELD: the FIELD-th field of the first line of FILE matching PATTERN
value() { awk -v field="$3" "/$2/ { print \$field; exit }" "$1"; }
# latency FILE pNN: a percentile (or max) from the load generator's report, in ms
latency() { sed -n "s/^latency ms .*$2=\([0-9.]*\).*/\1/p" "$1" | head -1; }
achieved() { sed -n 's/^achieved *\([0-9.]*\)\/s.*/\1/p' "$1" | head -1; }
failures() { sed -n 's/^failures *//p' "$1" | head -1; }
gc_p99() { sed -n 's/^gc  .* p99 \([0-9.]*\) ms.*/\1/p' "$1"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio() { if [[ "$1" == n/a || "$2" == n/a || "$2" == 0 ]]; then echo n/a; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }
# verdict VALUE OP TARGET: met or missed (n/a when nothing was measured)
verdict() {
  if [[ -z "$1" || "$1" == n/a ]]; then echo "not measured"; elif (($(echo "$1 $2 $3" | bc -l))); then echo met
  else echo missed; fi
}
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $commit |"); }
gc_row() { local p99; p99="$(gc_p99 "$out/$1.txt")"; row "GC pause p99, $1 (max $(
  sed -n 's/^gc  .* max \([0-9.]*\) ms.*/\1/p' "$out/$1.txt") ms)" "≤ 5 ms" "$p99 ms" "$(verdict "$p99" '<=' 5)"; }

await_quiet
start instance-a "$port_a" EVENTLINE_KAFKA_PORT=18692 EVENTLINE_REGISTRY_PORT=18681
pid="$started"
gc_log="$out/instance-a-gc.log"
admin="$(token hot-paths-admin --admin)"
service="$(token hot-paths-service --service --domain bench)"
rules="/api/v1/admin/ratelimit/rules"
put_rules() {
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    --data-binary "@$2" "$1$rules/$3"
}

# the eventline domain's rules as seeded, and the same with every limit raised far above any load here, still
# enforced: a token bucket of 10,000,000 per second, never shadow
curl -sf -H "Authorization: Bearer $admin" "$url_a$rules/eventline" | jq 'del(.domain, .version, .updatedAt, .updatedBy)' \
  >"$work/rules-default.json"
jq 'walk(if type == "object" and has("rate_limit") then .rate_limit = {unit: "second", requests_per_unit: 10000000,
  algorithm: "token_bucket", burst: 10000000} | .shadow = false else . end)' "$work/rules-default.json" \
  >"$work/rules-raised.json"
# the check API's domain: one counter per client, far above the load, so every check is decided and admitted
cat >"$work/rules-bench.json" <<'EOF'
{"descriptors": [{"key": "client", "name": "bench-per-client",
  "rate_limit": {"unit": "second", "requests_per_unit": 1000000000, "algorithm": "token_bucket",
  "burst": 1000000000}}]}
EOF
put_rules "$url_a" "$work/rules-bench.json" bench

# links to follow, made before any measurement
load_gen http-post-urls --url "$url_a" --token "$admin" --rate 20 --duration 1s --warmup 0s >/dev/null
code="$(curl -sf -H "Authorization: Bearer $admin" "$url_a/api/v1/urls?limit=1" | jq -r '.items[0].code')"
[[ -n "$code" && "$code" != null ]] || { echo "no link to follow" >&2; exit 1; }

# the users POST /api/v1/urls is spread over
user_tokens=()
if want post-200rps-20users; then
  for i in $(seq 1 "$users"); do user_tokens+=(--token "$(token "user-$i")"); done
fi

# a feed to read: one reader following 20 authors with 2 posts each, so every page hydrates 20 posts by 20 authors
feed_token=""
api() { curl -sf -o /dev/null -w '%{http_code}' -X "$1" -H "Authorization: Bearer $2" "$url_a$3" ${4:+-d "$4"}; }
if want feed; then
  feed_token="$(token feed-reader)"
  api PUT "$feed_token" /api/v1/me/profile '{"displayName":"Feed reader"}' >/dev/null
  for i in $(seq 1 20); do
    author_token="$(token "feed-author-$i")"
    api PUT "$author_token" /api/v1/me/profile "{\"displayName\":\"Author $i\"}" >/dev/null
    api PUT "$feed_token" "/api/v1/me/following/feed-author-$i" >/dev/null
    for n in 1 2; do
      api POST "$author_token" /api/v1/posts "{\"text\":\"post $n of author $i, long enough to look like a post\"}" \
        >/dev/null
    done
  done
  for _ in $(seq 1 60); do
    items="$(curl -sf -H "Authorization: Bearer $feed_token" "$url_a$feed_path" | jq '.items | length')"
    [[ "$items" == 20 ]] && break
    sleep 1
  done
  [[ "$items" == 20 ]] || { echo "the reader's feed has $items items, not 20" >&2; exit 1; }
fi

# a freshly started instance spends its first minutes compiling; load every path for a while, unmeasured, first
warmup_seconds="${WARMUP_SECONDS:-120}"
if [[ "$warmup_seconds" -gt 0 ]]; then
  echo "warming instance A up for ${warmup_seconds}s"
  warmers=()
  # as the users of the POST run when there are any, within their limits; else as one user below its own
  post_warmer="--token $admin --rate 10"
  ((${#user_tokens[@]} > 0)) && post_warmer="${user_tokens[*]} --rate 100"
  for args in "http-post-urls $post_warmer" "http-get --path /$code --rate 200" \
      "http-get --path /health --rate 200" "http-check --token $service --counters $counters --rate 200" \
      ${feed_token:+"http-get --path $feed_path --token $feed_token --rate 200"}; do
    # shellcheck disable=SC2086
    load_gen $args --url "$url_a" --duration "${warmup_seconds}s" --warmup 0s >/dev/null &
    warmers+=($!)
  done
  wait "${warmers[@]}" || true
fi

# 1. GET /{code} against GET /health, same instance, in turns, under the default rules (from one address most
# answers are 429) and with every eventline rule raised
if want code-vs-health; then
  for rules_name in default raised; do
    put_rules "$url_a" "$work/rules-$rules_name.json" eventline
    sleep 2
    for n in $(seq 1 "$rounds"); do
      bench "health-$rules_name-$n" "$pid" wrk -t2 -c32 "-d$wrk_duration" --latency "$url_a/health"
      bench "code-$rules_name-$n" "$pid" wrk -t2 -c32 "-d$wrk_duration" --latency "$url_a/$code"
    done
  done
  put_rules "$url_a" "$work/rules-default.json" eventline
  declare -A rps
  for rules_name in default raised; do
    for path in health code; do
      rps[$path-$rules_name]="$(for n in $(seq 1 "$rounds"); do
        value "$out/$path-$rules_name-$n.txt" '^Requests\/sec:' 2; done | median)"
    done
  done
  share_429="$(for n in $(seq 1 "$rounds"); do
    f="$out/code-default-$n.txt"
    total="$(value "$f" 'requests in' 1)"
    refused="$(value "$f" 'Non-2xx or 3xx responses:' 5)"
    echo "${refused:-0} / $total" | bc -l; done | median)"
  ratio_default="$(ratio "${rps[code-default]}" "${rps[health-default]}")"
  ratio_raised="$(ratio "${rps[code-raised]}" "${rps[health-raised]}")"
  echo "GET /{code} default rules: ${rps[code-default]} req/s, /health ${rps[health-default]} req/s," \
    "ratio $ratio_default, 429 share $(printf '%.2f' "$share_429")"
  echo "GET /{code} raised rules:  ${rps[code-raised]} req/s, /health ${rps[health-raised]} req/s, ratio $ratio_raised"
  row "GET /{code} / GET /health, eventline rules raised (median req/s ${rps[code-raised]} / ${rps[health-raised]})" \
    "≥ 0.5" "$ratio_raised" "$(verdict "$ratio_raised" '>=' 0.5)"
  row "GET /{code} / GET /health, default rules, $(printf '%.0f' "$(echo "$share_429 * 100" | bc -l)")% answered 429 (median req/s ${rps[code-default]} / ${rps[health-default]})" \
    "≥ the raised rules' ratio ($ratio_raised)" "$ratio_default" "$(verdict "$ratio_default" '>=' "$ratio_raised")"
  for rules_name in default raised; do gc_row "code-$rules_name-1"; done
fi

# 2. POST /api/v1/urls at 200/s spread over 20 users, default rules
if want post-200rps-20users; then
  name="post-${post_rate}rps-${users}users"
  bench "$name" "$pid" load_gen http-post-urls --url "$url_a" "${user_tokens[@]}" --rate "$post_rate" \
    --duration "$duration" --warmup "$run_warmup" --interval 5s --percentiles
  p99="$(latency "$out/$name.txt" p99)"
  row "POST /api/v1/urls at $post_rate/s over $users users, p99 (p50 $(latency "$out/$name.txt" p50), max $(
    latency "$out/$name.txt" max) ms; failures: $(failures "$out/$name.txt"))" "≤ 30 ms, 0 errors" "$p99 ms" "$(
    [[ "$(failures "$out/$name.txt")" == none ]] && verdict "$p99" '<=' 30 || echo missed)"
  gc_row "$name"
fi

# 3a. the check API on counters this instance owns (alone, it owns every partition; the set is read all the same)
if want check-local; then
  owned="$(owned_partitions "$url_a")"
  [[ -n "$owned" ]] || { echo "cannot tell which partitions instance A decides from its /metrics" >&2; exit 1; }
  name="check-local-${check_rate}rps"
  bench "$name" "$pid" load_gen http-check --url "$url_a" --token "$service" --domain bench --key client \
    --counters "$counters" --in-partition "$owned" --partition-count "$partitions" --rate "$check_rate" \
    --duration "$duration" \
    --warmup "$run_warmup" --interval 5s --percentiles
  p99="$(latency "$out/$name.txt" p99)"
  row "Check API at $check_rate/s over $counters counters owned here (partitions $owned), p99" "≤ 2 ms" "$p99 ms" \
    "$(verdict "$p99" '<=' 2)"
  gc_row "$name"
fi

# 4. the feed page: saturation, the same for /health, then p99 and server CPU per page at half the saturation
if want feed; then
  bench feed-saturation "$pid" load_gen http-get --url "$url_a" --path "$feed_path" --token "$feed_token" \
    --concurrency 16 --duration "$duration" --warmup 10s
  bench feed-health-saturation "$pid" load_gen http-get --url "$url_a" --path /health --concurrency 16 \
    --duration "$duration" --warmup 10s
  saturation="$(achieved "$out/feed-saturation.txt")"
  health="$(achieved "$out/feed-health-saturation.txt")"
  half="$(printf '%.0f' "$(echo "${saturation:-2} / 2" | bc -l)")"
  ((half >= 1)) || half=1
  # the request-serving threads' CPU over the measured part of the rate run
  measure_seconds="$(sed 's/s$//' <<<"$duration")"
  warm_seconds="$(sed 's/s$//' <<<"$run_warmup")"
  rm -f "$out/feed-half-saturation.txt"
  # from the end of the run's warm-up, which starts when the load generator prints its start time
  (
    until grep -q '^started ' "$out/feed-half-saturation.txt" 2>/dev/null; do sleep 0.1; done
    sleep "$warm_seconds"
    "$here/thread-cpu.sh" "$pid" "$measure_seconds" >"$work/feed-thread-cpu.txt"
  ) &
  sampler=$!
  bench feed-half-saturation "$pid" load_gen http-get --url "$url_a" --path "$feed_path" --token "$feed_token" \
    --rate "$half" --duration "$duration" --warmup "$run_warmup" --interval 5s --percentiles
  wait "$sampler" || true
  request_threads="${REQUEST_THREADS:-JettyServerThreadPool}"
  {
    echo "server threads over the measured ${measure_seconds}s (docs/benchmarks/thread-cpu.sh $pid $measure_seconds):"
    cat "$work/feed-thread-cpu.txt"
  } | tee -a "$out/feed-half-saturation.txt"
  # pages served over the sampled seconds, at the rate the run achieved after its warm-up
  pages="$(printf '%.0f' "$(echo "$(achieved "$out/feed-half-saturation.txt") * $measure_seconds" | bc -l)")"
  serving="$(awk -v re="$request_threads" '$3 ~ re { s += $1 } END { printf "%.3f", s }' "$work/feed-thread-cpu.txt")"
  process="$(awk '/whole process/ { print $1 }' "$work/feed-thread-cpu.txt")"
  per_page="$( ((${pages:-0} > 0)) && printf '%.3f' "$(echo "$serving * 1000 / $pages" | bc -l)" || echo n/a)"
  per_page_process="$( ((${pages:-0} > 0)) && printf '%.3f' "$(echo "${process:-0} * 1000 / $pages" | bc -l)" || echo n/a)"
  echo "feed: CPU per page ${per_page} ms on $request_threads threads (${serving} s / ${pages} pages)," \
    "${per_page_process} ms whole process" | tee -a "$out/feed-half-saturation.txt"
  p99="$(latency "$out/feed-half-saturation.txt" p99)"
  sat_ratio="$(ratio "${saturation:-n/a}" "${health:-n/a}")"
  row "GET $feed_path p99 at half of saturation ($half/s)" "< 10 ms" "$p99 ms" "$(verdict "$p99" '<' 10)"
  row "GET $feed_path saturation / GET /health saturation ($saturation / $health per s, 16 in flight)" "≥ 0.5" \
    "$sat_ratio" "$(verdict "$sat_ratio" '>=' 0.5)"
  row "GET $feed_path server CPU per page, $request_threads threads (whole process: $per_page_process ms)" \
    "≤ 0.3 ms" "$per_page ms" "$(verdict "$per_page" '<=' 0.3)"
  gc_row feed-half-saturation
fi

# 3b. two instances: B joins A's broker and application, and gets checks for counters only A owns, so every one
# is forwarded to A over the internal path
if want check-forwarded; then
  start instance-b "$port_b" KAFKA_BOOTSTRAP_SERVERS="localhost:18692" \
    SCHEMA_REGISTRY_URL="http://localhost:18681" SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO="$EVENTLINE_REGISTRY_USER_INFO" \
    EVENTLINE_INSTANCE_ID=eventline-2 EVENTLINE_WORKER_ID=1
  pid_b="$started"
  # wait for the rebalance to settle: both own some partitions, none twice, the same split for 10 s
  stable=0 last=""
  for _ in $(seq 1 120); do
    a="$(owned_partitions "$url_a" || true)" b="$(owned_partitions "$url_b" || true)"
    if [[ -n "$a" && -n "$b" && -z "$(comm -12 <(tr , '\n' <<<"$a" | sort) <(tr , '\n' <<<"$b" | sort))" \
        && "$a/$b" == "$last" ]]; then
      stable=$((stable + 1))
      ((stable >= 5)) && break
    else
      stable=0
    fi
    last="$a/$b"
    sleep 2
  done
  ((stable >= 5)) || { echo "the two instances did not settle on a split of the partitions (A: $a, B: $b)" >&2; exit 1; }
  echo "instance A decides partitions $a, instance B $b"
  # B's first minutes compile too
  if [[ "$warmup_seconds" -gt 0 ]]; then
    load_gen http-check --url "$url_b" --token "$service" --counters "$counters" --in-partition "$a" \
      --partition-count "$partitions" --rate 200 \
      --duration "${warmup_seconds}s" --warmup 0s >/dev/null || true
  fi
  name="check-forwarded-${check_rate}rps"
  gc_log_a="$gc_log"
  gc_log="$out/instance-b-gc.log" other_pid="$pid" other_gc_log="$gc_log_a"
  bench "$name" "$pid_b" load_gen http-check --url "$url_b" --token "$service" --domain bench --key client \
    --counters "$counters" --in-partition "$a" --partition-count "$partitions" --rate "$check_rate" \
    --duration "$duration" \
    --warmup "$run_warmup" --interval 5s --percentiles
  gc_log="$gc_log_a" other_pid=""
  echo "instance A decides partitions $a, instance B $b; the checks went to B for A's" | tee -a "$out/$name.txt"
  p99="$(latency "$out/$name.txt" p99)"
  row "Check API at $check_rate/s over $counters counters, sent to B, owned by A (partitions $a), p99" "≤ 5 ms" \
    "$p99 ms" "$(verdict "$p99" '<=' 5)"
  gc_row "$name"
  p99="$(sed -n 's/^other gc .* p99 \([0-9.]*\) ms.*/\1/p' "$out/$name.txt")"
  row "GC pause p99, $name, instance A (the owner)" "≤ 5 ms" "$p99 ms" "$(verdict "$p99" '<=' 5)"
fi

{
  echo "## Hot paths at $commit ($(date -u +%FT%TZ), $command_line)"
  echo
  echo "| Figure | Target | Measured | Met | Commit |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out/summary.md"
exit 0

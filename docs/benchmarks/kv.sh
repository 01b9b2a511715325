#!/usr/bin/env bash
# Measures the key-value store's bar (BENCHMARKS.md, "Key-value store") at HEAD, on one fresh instance A of its own
# (own data dir, ports away from the usual ones, the launcher's JVM options) with every eventline rate-limit rule
# raised far above the load, 1 KiB values, 32 connections:
#   throughput  wrk -t2 -c32 of GET /health, GET /api/v1/kv/{ns}/{key} strong and ?consistency=eventual, and PUT
#               (a Lua script with the value and the bearer token), in turns, ROUNDS times
#   redis       redis-benchmark -c 32 -d 1024 -t get,set against a Redis of its own (no persistence, then
#               appendonly everysec), on the same cores
#   fixed-rate  the load generator, open loop: PUT at PUT_RATE (1000/s) and GET strong, GET eventual and
#               GET /health at GET_RATE (1000/s), p50/p99 from each request's intended send time
#   put-low     PUT at PUT_LOW_RATE (200/s), a rate one instance keeps up with on 2 cores, with the instance's
#               CPU per group of threads over it (thread-cpu.sh)
#   staleness   PUTs at STALE_WRITE_RATE over a few keys while eventual GETs of the same keys run beside them
#               (http-kv --stale-reads): how far behind the newest acknowledged write each value read is; first on
#               A alone, then with instance B joined to A's broker, the reads sent to B, so a namespace A owns is
#               read from B's standby copy (Eventline-Stale: true) and one B owns from its active copy
# Writes each run to docs/benchmarks/raw/kv/NAME.txt, starting with the command, the commit and the load average,
# and prints a markdown table of the figures against the aims (also kept as summary.md).
#
#   docs/benchmarks/kv.sh                         # all of it, about 15 minutes
#   docs/benchmarks/kv.sh throughput redis        # only the named parts: throughput redis fixed-rate put-low
#                                                 #   staleness two-instances
#   WRK_DURATION=2s DURATION=2s RUN_WARMUP=1s ROUNDS=1 WARMUP_SECONDS=5 QUIET_WAIT_SECONDS=0 \
#     OUT=/tmp/kv-check docs/benchmarks/kv.sh     # a quick check that the tooling works (no figures)
#
# Knobs: EVENTLINE_JAVA_OPTS (default: the ./eventline launcher's), WRK_DURATION (8s), ROUNDS (3), DURATION (30s,
# each fixed-rate and staleness run), RUN_WARMUP (10s, before each), WARMUP_SECONDS (60: every path at once,
# unmeasured, on the fresh instance), PUT_RATE (1000), GET_RATE (1000), STALE_WRITE_RATE (200), STALE_READ_RATE
# (500), PUT_LOW_RATE (200), STALE_KEYS (10 per namespace), REDIS_REQUESTS (200000), OUT, QUIET_WAIT_SECONDS and QUIET_LOAD (instance A
# starts once the machine is quiet, see instance-lib.sh). Ports: 18980 (A), 18990 (B), 18992 (Kafka), 18981
# (registry), 18979 (Redis).
#
# Needs wrk and redis-server/redis-benchmark (apt-get install wrk redis-server redis-tools), jq, curl and bc.
# Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/docs/benchmarks"
out="${OUT:-$root/docs/benchmarks/raw/kv}"
launcher_opts="$(sed -n 's/.*\${EVENTLINE_JAVA_OPTS:-\([^}]*\)}.*/\1/p' "$root/eventline")"
[[ -n "$launcher_opts" ]] || { echo "cannot read the JVM options of $root/eventline" >&2; exit 1; }
java_opts="${EVENTLINE_JAVA_OPTS:-$launcher_opts}"
wrk_duration="${WRK_DURATION:-8s}"
rounds="${ROUNDS:-3}"
duration="${DURATION:-30s}"
run_warmup="${RUN_WARMUP:-10s}"
warmup_seconds="${WARMUP_SECONDS:-60}"
put_rate="${PUT_RATE:-1000}"
put_low_rate="${PUT_LOW_RATE:-200}"
get_rate="${GET_RATE:-1000}"
stale_write_rate="${STALE_WRITE_RATE:-200}"
stale_read_rate="${STALE_READ_RATE:-500}"
stale_keys="${STALE_KEYS:-10}"
redis_requests="${REDIS_REQUESTS:-200000}"
port_a=18980 port_b=18990 kafka_port=18992 registry_port=18981 redis_port=18979
url_a="http://localhost:$port_a"
url_b="http://localhost:$port_b"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
command_line="docs/benchmarks/kv.sh${*:+ $*}"

selected=("$@")
want() { [[ ${#selected[@]} -eq 0 ]] || [[ " ${selected[*]} " == *" $1 "* ]]; }
for tool in jq curl bc wrk redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install wrk redis-server redis-tools jq curl bc)" >&2; exit 1; }
done

# copies, so a rebuild during the runs cannot change what is measured
work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-kv.XXXXXX")"
cp "$root/web/target/eventline.jar" "$work/eventline.jar"
cp "$root/producers/target/eventline-load.jar" "$work/eventline-load.jar"
jar_version="eventline.jar built $(date -u -r "$root/web/target/eventline.jar" +%FT%TZ), tree at $commit"
mkdir -p "$out"
EVENTLINE_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
EVENTLINE_REGISTRY_USER_INFO="bench:$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')"
export EVENTLINE_JWT_SECRET EVENTLINE_REGISTRY_USER_INFO

pid="" pid_b="" pid_redis=""
stop() {
  if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1"
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$pid_redis"
  stop "$pid_b"
  stop "$pid"
  for log in "$work"/instance-*.log; do
    [[ -f "$log" ]] && grep -E '(WARN|ERROR) ' "$log" | tail -200 >"$out/$(basename "$log" .log)-warnings.txt" || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

source "$here/instance-lib.sh"

# start NAME HTTP_PORT ENV...: an instance with its own data dir and log; sets $started once it is ready
start() {
  local name="$1" http_port="$2"
  shift 2
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086
  env EVENTLINE_DATA_DIR="$work/$name" EVENTLINE_HTTP_PORT="$http_port" \
    EVENTLINE_ADVERTISED_URL="http://localhost:$http_port" "$@" \
    java $java_opts -jar "$work/eventline.jar" run >"$work/$name.log" 2>&1 &
  started=$!
  for _ in $(seq 1 600); do
    grep -q '^Eventline ready: ' "$work/$name.log" && break
    kill -0 "$started" 2>/dev/null || { tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q '^Eventline ready: ' "$work/$name.log" || { echo "$name not ready" >&2; exit 1; }
}

token() { java -jar "$work/eventline.jar" token "$@"; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
load_gen() { java -jar "$work/eventline-load.jar" "$@"; }

# bench NAME PID COMMAND...: one run of COMMAND, its output to the screen and to $out/NAME.txt, framed by the
# machine's load and the CPU process PID used over the run
bench() {
  local name="$1" target="$2"
  shift 2
  local before after t0 t1
  {
    echo "\$ $*" | sed "s|^\\\$ load_gen |\$ java -jar producers/target/eventline-load.jar |; s/eyJ[A-Za-z0-9._-]*/\$TOKEN/g"
    echo "script: $command_line"
    echo "commit: $commit ($jar_version)"
    echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc)); instance JVM options: $java_opts"
    before="$(cpu_seconds "$target")"
    t0="$(date +%s.%N)"
    "$@" 2>&1 | tr '\r' '\n' | grep -v '^$' || true
    t1="$(date +%s.%N)"
    after="$(cpu_seconds "$target")"
    echo "server cpu   $(echo "$after - $before" | bc) s in $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s" \
      "= $(printf '%.2f' "$(echo "($after - $before) / ($t1 - $t0)" | bc -l)") cores (pid $target)"
    echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/$name.txt"
  echo
}

value() { awk -v field="$3" "/$2/ { print \$field; exit }" "$1"; }
latency() { sed -n "s/^latency ms .*$2=\([0-9.]*\).*/\1/p" "$1" | head -1; }
achieved() { sed -n 's/^achieved *\([0-9.]*\)\/s.*/\1/p' "$1" | head -1; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio() { if [[ "$1" == n/a || "$2" == n/a || "$2" == 0 ]]; then echo n/a; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }
# wrk's latency percentile (50%, 99%) in ms
wrk_ms() {
  awk -v p="$2" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) sub(/ms$/, "", v);
    else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f\n", v; exit }' "$1"
}
verdict() {
  if [[ -z "$1" || "$1" == n/a ]]; then echo "not measured"; elif (($(echo "$1 $2 $3" | bc -l))); then echo met
  else echo "**missed**"; fi
}
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }

await_quiet
start instance-a "$port_a" EVENTLINE_KAFKA_PORT="$kafka_port" EVENTLINE_REGISTRY_PORT="$registry_port"
pid="$started"
admin="$(token kv-bench-admin --admin)"
owner="$(token kv-bench-owner)"
rules="/api/v1/admin/ratelimit/rules"
# every eventline rule, writes-per-user (PUT /api/v1/kv/{namespace}/{key}) among them, raised far above any load
# here and still enforced: a token bucket of 10,000,000 per second, never shadow
curl -sf -H "Authorization: Bearer $admin" "$url_a$rules/eventline" | jq 'del(.domain, .version, .updatedAt, .updatedBy)
  | walk(if type == "object" and has("rate_limit") then .rate_limit = {unit: "second", requests_per_unit: 10000000,
  algorithm: "token_bucket", burst: 10000000} | .shadow = false else . end)' >"$work/rules-raised.json"
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  --data-binary "@$work/rules-raised.json" "$url_a$rules/eventline"
cp "$work/rules-raised.json" "$out/rules-raised.json"

# namespaces: kv-bench for the throughput and latency runs, kv-stale-0..5 for the staleness runs (six, so that with
# two instances some are owned by each)
ns_put() {
  local status
  for _ in $(seq 1 30); do
    status="$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $owner" "$url_a/api/v1/kv/$1")"
    [[ "$status" == 200 || "$status" == 201 ]] && return
    sleep 1
  done
  echo "cannot create namespace $1 (last answer $status)" >&2
  exit 1
}
stale_namespaces=()
for ns in kv-bench kv-stale-{0..5}; do ns_put "$ns"; done
for i in 0 1 2 3 4 5; do stale_namespaces+=(--namespace "kv-stale-$i"); done
# 100 keys of 1 KiB to read, k0..k99
load_gen http-kv --url "$url_a" --token "$owner" --namespace kv-bench --keys 100 --rate 100 --duration 1s \
  --warmup 0s >/dev/null
key_path="/api/v1/kv/kv-bench/k0"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $owner" "$url_a$key_path")"
[[ "$status" == 200 ]] || { echo "GET $key_path answered $status" >&2; exit 1; }

# the wrk script for PUT: keys k0..k99 in turn, each a 1 KiB value, with the owner's token
cat >"$work/put.lua" <<LUA
local value = string.rep("v", 1024)
local n = 0
wrk.method = "PUT"
wrk.body = value
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["Authorization"] = "Bearer $owner"
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/kv/kv-bench/k" .. (n % 100))
end
LUA
sed 's/eyJ[A-Za-z0-9._-]*/$TOKEN/' "$work/put.lua" >"$out/put.lua"

# a fresh instance spends its first minute compiling: every path at once, unmeasured
if [[ "$warmup_seconds" -gt 0 ]]; then
  echo "warming instance A up for ${warmup_seconds}s"
  warmers=()
  for args in "http-kv --namespace kv-bench --token $owner --rate 200" \
      "http-get --path $key_path --token $owner --rate 200" \
      "http-get --path $key_path?consistency=eventual --token $owner --rate 200" "http-get --path /health --rate 200"; do
    # shellcheck disable=SC2086
    load_gen $args --url "$url_a" --duration "${warmup_seconds}s" --warmup 0s >/dev/null &
    warmers+=($!)
  done
  wait "${warmers[@]}" || true
fi

# 1. closed-loop throughput with wrk, 32 connections, in turns
declare -A rps p50 p99
if want throughput; then
  for n in $(seq 1 "$rounds"); do
    bench "wrk-health-$n" "$pid" wrk -t2 -c32 "-d$wrk_duration" --latency "$url_a/health"
    bench "wrk-get-strong-$n" "$pid" wrk -t2 -c32 "-d$wrk_duration" --latency \
      -H "Authorization: Bearer $owner" "$url_a$key_path"
    bench "wrk-get-eventual-$n" "$pid" wrk -t2 -c32 "-d$wrk_duration" --latency \
      -H "Authorization: Bearer $owner" "$url_a$key_path?consistency=eventual"
    bench "wrk-put-$n" "$pid" wrk -t2 -c32 "-d$wrk_duration" --latency -s "$work/put.lua" "$url_a"
  done
  for run in health get-strong get-eventual put; do
    rps[$run]="$(for n in $(seq 1 "$rounds"); do value "$out/wrk-$run-$n.txt" '^Requests\/sec:' 2; done | median)"
    p50[$run]="$(for n in $(seq 1 "$rounds"); do wrk_ms "$out/wrk-$run-$n.txt" 50%; done | median)"
    p99[$run]="$(for n in $(seq 1 "$rounds"); do wrk_ms "$out/wrk-$run-$n.txt" 99%; done | median)"
    bad="$(for n in $(seq 1 "$rounds"); do value "$out/wrk-$run-$n.txt" 'Non-2xx or 3xx responses:' 5; done | paste -sd+ - | bc 2>/dev/null || true)"
    row "wrk -t2 -c32, $run: req/s, p50, p99 (median of $rounds; non-2xx: ${bad:-0})" "" \
      "${rps[$run]}/s, ${p50[$run]} ms, ${p99[$run]} ms" ""
  done
  get_ratio="$(ratio "${rps[get-strong]}" "${rps[health]}")"
  row "GET /api/v1/kv/{ns}/{key} (strong) / GET /health, wrk -c32" "≥ 0.5" "$get_ratio" "$(verdict "$get_ratio" '>=' 0.5)"
  eventual_ratio="$(ratio "${rps[get-eventual]}" "${rps[health]}")"
  row "GET ...?consistency=eventual / GET /health, wrk -c32" "" "$eventual_ratio" ""
fi

# 2. Redis 7 beside it: same client count, same value size, same two cores
if want redis; then
  for mode in no-persistence aof-everysec; do
    mkdir -p "$work/redis-$mode"
    if [[ "$mode" == no-persistence ]]; then persistence=(--save '' --appendonly no)
    else persistence=(--save '' --appendonly yes --appendfsync everysec); fi
    redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis-$mode" "${persistence[@]}" \
      >"$work/redis-$mode.log" 2>&1 &
    pid_redis=$!
    for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    bench "redis-$mode" "$pid_redis" redis-benchmark -p "$redis_port" -c 32 -d 1024 -t get,set -n "$redis_requests" \
      --csv
    echo "redis: $(redis-server --version); ${persistence[*]}" >>"$out/redis-$mode.txt"
    stop "$pid_redis"
    pid_redis=""
    for test in SET GET; do
      rps_line="$(awk -F'"' -v t="$test" '$2 == t { print $4 }' "$out/redis-$mode.txt")"
      lat="$(awk -F'"' -v t="$test" '$2 == t { print $10 " ms, " $14 " ms" }' "$out/redis-$mode.txt")"
      row "Redis $(redis-server --version | sed 's/.*v=\([0-9.]*\).*/\1/') ($mode) $test, redis-benchmark -c 32 -d 1024: req/s, p50, p99" "" \
        "$rps_line/s, $lat" ""
    done
  done
fi

# 3. open loop at a fixed rate, 32 connections
if want fixed-rate; then
  name="put-${put_rate}rps"
  bench "$name" "$pid" load_gen http-kv --url "$url_a" --token "$owner" --namespace kv-bench --keys 100 \
    --rate "$put_rate" --connections 32 --duration "$duration" --warmup "$run_warmup" --interval 5s --percentiles
  p99_put="$(latency "$out/$name.txt" p99)"
  row "PUT 1 KiB at $put_rate/s, open loop, 32 connections: p99 (p50 $(latency "$out/$name.txt" p50) ms, achieved $(
    achieved "$out/$name.txt")/s)" "≤ 30 ms" "$p99_put ms" "$(verdict "$p99_put" '<=' 30)"
  for read in "get-strong:$key_path" "get-eventual:$key_path?consistency=eventual" "health:/health"; do
    name="${read%%:*}-${get_rate}rps"
    bench "$name" "$pid" load_gen http-get --url "$url_a" --path "${read#*:}" --token "$owner" --rate "$get_rate" \
      --connections 32 --duration "$duration" --warmup "$run_warmup" --interval 5s --percentiles
    row "GET ${read#*:} at $get_rate/s, open loop: p50, p99 (achieved $(achieved "$out/$name.txt")/s)" "" \
      "$(latency "$out/$name.txt" p50) ms, $(latency "$out/$name.txt" p99) ms" ""
  done
fi

# 3b. PUT at a rate the instance keeps up with: what one write costs without a queue in front of it
if want put-low; then
  name="put-${put_low_rate}rps"
  rm -f "$out/$name.txt"
  # the instance's CPU per group of threads over the measured part of the run
  (
    until grep -q '^started ' "$out/$name.txt" 2>/dev/null; do sleep 0.1; done
    sleep "${run_warmup%s}"
    "$here/thread-cpu.sh" "$pid" "${duration%s}" >"$work/$name-threads.txt"
  ) &
  sampler=$!
  bench "$name" "$pid" load_gen http-kv --url "$url_a" --token "$owner" --namespace kv-bench --keys 100 \
    --rate "$put_low_rate" --connections 32 --duration "$duration" --warmup "$run_warmup" --interval 5s --percentiles
  wait "$sampler" || true
  { echo "instance threads over the measured ${duration} (docs/benchmarks/thread-cpu.sh $pid ${duration%s}):"
    cat "$work/$name-threads.txt"; } | tee -a "$out/$name.txt"
  row "PUT 1 KiB at $put_low_rate/s, open loop, 32 connections: p50, p99 (achieved $(achieved "$out/$name.txt")/s)" \
    "" "$(latency "$out/$name.txt" p50) ms, $(latency "$out/$name.txt" p99) ms" ""
fi

# 4. staleness of eventual reads under writes, one instance: every read answered by the active copy
stale_run() {
  local name="$1" read_url="$2" target="$3"
  bench "$name" "$target" load_gen http-kv --url "$url_a" --read-url "$read_url" --token "$owner" \
    "${stale_namespaces[@]}" --keys "$stale_keys" --rate "$stale_write_rate" --stale-reads "$stale_read_rate" \
    --connections 32 --duration "$duration" --warmup "$run_warmup" --percentiles
  while read -r group; do
    row "Eventual reads, $name, answered by $group" "" "$(awk -v g="answered by $group:" 'index($0, g) == 1 { f = 1; print; next } f && /^  / { print; next } { f = 0 }' \
      "$out/$name.txt" \
      | sed -n 's/^answered by [^:]*: //p; s/^  staleness *ms over all reads /staleness ms /p; s/^  behind *ms over the reads behind \(.*\); versions behind \(.*\) (all reads)/behind ms \1; versions behind \2/p; s/^  lag header *Eventline-Replica-Lag-Ms /lag header ms /p' \
      | paste -sd';' - | sed 's/;/; /g')" ""
  done < <(sed -n 's/^answered by \([^:]*\):.*/\1/p' "$out/$name.txt")
}
if want staleness; then
  stale_run "stale-one-instance" "$url_a" "$pid"
fi

# 5. staleness with instance B joined to A's broker, the reads sent to B
if want two-instances; then
  start instance-b "$port_b" KAFKA_BOOTSTRAP_SERVERS="localhost:$kafka_port" \
    SCHEMA_REGISTRY_URL="http://localhost:$registry_port" \
    SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO="$EVENTLINE_REGISTRY_USER_INFO" \
    EVENTLINE_INSTANCE_ID=eventline-2 EVENTLINE_WORKER_ID=1
  pid_b="$started"
  # until B answers an eventual read of every staleness namespace, some from a standby copy, for 10 s in a row
  settled=0
  for _ in $(seq 1 90); do
    answers="$(for i in 0 1 2 3 4 5; do
      curl -s -o /dev/null -D - -H "Authorization: Bearer $owner" \
        "$url_b/api/v1/kv/kv-stale-$i/k0?consistency=eventual" \
        | awk -v ns="kv-stale-$i" 'NR == 1 { s = $2 } tolower($1) == "eventline-stale:" { st = "standby" }
          END { print ns "=" s ":" (st ? st : "active") }'
    done | paste -sd' ' -)"
    if [[ "$(grep -o '=200:' <<<"$answers" | wc -l)" != 6 || "$answers" != *standby* || "$answers" != *active* ]]; then
      settled=0
    else
      settled=$((settled + 1))
      ((settled >= 5)) && break
    fi
    sleep 2
  done
  echo "eventual reads of k0 through B (standby: answered with Eventline-Stale: true): $answers" | tee "$out/two-instances-split.txt"
  # B's first minute compiles too
  if [[ "$warmup_seconds" -gt 0 ]]; then
    load_gen http-kv --url "$url_a" --read-url "$url_b" --token "$owner" "${stale_namespaces[@]}" \
      --keys "$stale_keys" --rate "$stale_write_rate" --stale-reads "$stale_read_rate" --duration "${warmup_seconds}s" \
      --warmup 0s >/dev/null || true
  fi
  stale_run "stale-two-instances" "$url_b" "$pid_b"
  echo "eventual reads of k0 through B before the run: $answers" >>"$out/stale-two-instances.txt"
fi

{
  echo "## Key-value store at $commit ($(date -u +%FT%TZ), $command_line)"
  echo
  echo "| Figure | Aim | Measured | Met |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out/summary.md"
exit 0

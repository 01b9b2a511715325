#!/usr/bin/env bash
# Eventline's crawler next to crawler4j 4.4.0 over one generated site (docs/crawler.md, "The benchmark"):
#
#   the site: `eventline-load crawl-site`, PAGES (100,000) pages of about PAGE_BYTES (10,240) bytes on HOSTS (50)
#             hosts; host i is h<i>.site.test on its own loopback address 127.0.1.i, all on SITE_PORT (18590), so
#             each host is its own politeness key for both crawlers. Every page has 10 links, 2 of them to other
#             hosts; every page is within 4 links of its host's / (the seeds, one a host). The site counts per
#             host the requests, distinct pages, duplicate requests and the gaps between consecutive arrivals.
#   crawler4j: docs/benchmarks/crawler4j (its jar is built here when missing), C4J_THREADS (16) threads, names
#             resolved through -Djdk.net.hosts.file. Its politeness delay is one delay for all hosts together
#             (PageFetcher keeps one last-fetch time under one lock), so at 100 ms it fetches about 10 pages/s in
#             all; that run stops after C4J_DELAY_SECONDS (120) s.
#   Eventline: a fresh instance (own data dir and ports EVENTLINE_HTTP_PORT 18580, EVENTLINE_KAFKA_PORT 19592,
#             EVENTLINE_REGISTRY_PORT 18581), the site's names given in EVENTLINE_CRAWLER_HOSTS and loopback allowed
#             (EVENTLINE_CRAWLER_ALLOW=127.0.0.0/8), EVENTLINE_CRAWLER_WORKERS (16) fetch threads; one crawl over
#             POST /api/v1/crawls with the seeds, scope {"domains":["site.test"]}, maxPages, maxDepth and delayMs,
#             polled with GET /api/v1/crawls/{id} until it is COMPLETED, or fetched has not moved for
#             STALL_SECONDS (60), or TIME_LIMIT (1800) s have passed.
#
# RESTART_AFTER=<s> (Eventline only) kills the instance with SIGKILL that many seconds into its crawl and starts
# it again on the same data, measuring the time to its ready line and to the site's next request (the crawl
# resumed); the site's duplicate requests are then what was fetched twice because of the kill.
#
# For each system of SYSTEMS and each delay of DELAYS (0 and 100 ms), the site is started fresh, so its counts
# are that run's alone. Each run writes docs/benchmarks/raw/crawler-side-by-side/<system>-delay-<ms><NAME_SUFFIX>.txt
# with the command, the commit, the machine's load before and after, the crawler's own figures, its CPU time and the
# site's report (text, then the JSON on a `site-json` line); summary<NAME_SUFFIX>.txt puts the runs side by side.
#
#   docs/benchmarks/crawler-side-by-side.sh                      # both systems, both delays
#   SYSTEMS=crawler4j DELAYS=100 docs/benchmarks/crawler-side-by-side.sh
#   SYSTEMS=eventline DELAYS=0 RESTART_AFTER=120 NAME_SUFFIX=-restart docs/benchmarks/crawler-side-by-side.sh
#   SYSTEMS=crawler4j HOSTS=3 PAGES=300 C4J_DELAY_SECONDS=10 OUT=/tmp/try docs/benchmarks/crawler-side-by-side.sh
#
# Needs the built jars (this tree's web/target/eventline.jar, or EVENTLINE_JAR, and producers/target/eventline-load.jar):
#   mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
# and, for crawler4j's harness when docs/benchmarks/crawler4j/target has no jar, Maven Central (or a local
# repository holding crawler4j 4.4.0 and its dependencies). C4J_JAVA is the JVM for crawler4j: Java 25 when
# /usr/lib/jvm has one, else `java`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$root/docs/benchmarks"
out="${OUT:-$bench/raw/crawler-side-by-side}"
java_opts="${EVENTLINE_JAVA_OPTS:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:MaxGCPauseMillis=5}"
site_java_opts="${SITE_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}"
export EVENTLINE_HTTP_PORT="${EVENTLINE_HTTP_PORT:-18580}"
export EVENTLINE_KAFKA_PORT="${EVENTLINE_KAFKA_PORT:-19592}"
export EVENTLINE_REGISTRY_PORT="${EVENTLINE_REGISTRY_PORT:-18581}"
systems="${SYSTEMS:-crawler4j eventline}"
delays="${DELAYS:-0 100}"
suffix="${NAME_SUFFIX:-}"
hosts="${HOSTS:-50}"
pages="${PAGES:-100000}"
page_bytes="${PAGE_BYTES:-10240}"
site_port="${SITE_PORT:-18590}"
max_pages="${MAX_PAGES:-$pages}"
max_depth="${MAX_DEPTH:-20}"
c4j_threads="${C4J_THREADS:-16}"
c4j_delay_seconds="${C4J_DELAY_SECONDS:-120}"
time_limit="${TIME_LIMIT:-1800}"
stall_seconds="${STALL_SECONDS:-60}"
workers="${EVENTLINE_CRAWLER_WORKERS:-16}"
site_args=(--hosts "$hosts" --pages "$pages" --page-bytes "$page_bytes" --port "$site_port")

c4j_java="${C4J_JAVA:-}"
if [[ -z "$c4j_java" ]]; then
  c4j_java="$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)"
  c4j_java="${c4j_java:-java}"
fi
load_jar="$root/producers/target/eventline-load.jar"
c4j_jar="$bench/crawler4j/target/crawler4j-harness.jar"
jar="${EVENTLINE_JAR:-$root/web/target/eventline.jar}"
[[ -f "$load_jar" ]] || { echo "build first: mvn -B -o -q -DskipTests package (no $load_jar)" >&2; exit 1; }
if [[ " $systems " == *" eventline "* ]]; then
  [[ -f "$jar" ]] || { echo "build first: mvn -B -o -q -DskipTests package (no $jar)" >&2; exit 1; }
  for port in "$EVENTLINE_HTTP_PORT" "$EVENTLINE_KAFKA_PORT" "$EVENTLINE_REGISTRY_PORT"; do
    if ss -ltn "sport = :$port" | grep -q LISTEN; then
      echo "port $port is taken; set EVENTLINE_HTTP_PORT, EVENTLINE_KAFKA_PORT, EVENTLINE_REGISTRY_PORT" >&2
      exit 1
    fi
  done
fi
if [[ " $systems " == *" crawler4j "* && ! -f "$c4j_jar" ]]; then
  echo "building crawler4j's harness (docs/benchmarks/crawler4j)" >&2
  mvn -B -q -f "$bench/crawler4j/pom.xml" package >&2
fi
if ss -ltn | awk '{ print $4 }' | grep -qE "^127\.0\.1\.[0-9]+:$site_port\$|^(0\.0\.0\.0|\*|\[::\]):$site_port\$"; then
  echo "port $site_port is taken on the site's addresses; set SITE_PORT" >&2
  exit 1
fi
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-crawler-bench.XXXXXX")"
# copies, so a rebuild during the runs cannot change what is measured
cp "$load_jar" "$work/eventline-load.jar"
[[ " $systems " != *" eventline "* ]] || cp "$jar" "$work/eventline.jar"
head="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
changes=""
[[ -z "$(git -C "$root" status --porcelain -- . ':!docs/benchmarks/raw' 2>/dev/null)" ]] || changes=" with uncommitted changes"
mkdir -p "$out"

pid=""
site_pid=""
stop_site() {
  if [[ -n "$site_pid" ]] && kill -0 "$site_pid" 2>/dev/null; then
    kill -TERM "$site_pid"
    wait "$site_pid" 2>/dev/null || true
  fi
  site_pid=""
}
stop_eventline() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}
cleanup() {
  stop_site
  stop_eventline
  rm -rf "$work"
}
trap cleanup EXIT

source "$bench/instance-lib.sh"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
site() { java $site_java_opts -jar "$work/eventline-load.jar" crawl-site "${site_args[@]}" "$@"; }

# the seeds, the hosts file for crawler4j's JVM and the name=address pairs for Eventline, from the site itself
site --print-seeds --hosts-file "$work/hosts" >"$work/seeds-and-shape.txt"
grep -v '^#' "$work/seeds-and-shape.txt" >"$work/seeds.txt"
shape="$(sed -n 's/^# //p' "$work/seeds-and-shape.txt")"
deepest="$(sed -n 's/.*every page within \([0-9]*\) links.*/\1/p' <<<"$shape")"
if ((deepest > max_depth)); then
  echo "the site's deepest page is $deepest links from its seed, beyond MAX_DEPTH $max_depth" >&2
  exit 1
fi
host_pairs="$(awk '{ print $2 "=" $1 }' "$work/hosts" | paste -sd, -)"

# a fresh site for one run, counting gaps below the run's delay; its report is printed when it stops
start_site() {
  java $site_java_opts -jar "$work/eventline-load.jar" crawl-site "${site_args[@]}" --expected-gap-ms "$1" \
    --stats-file "$work/site-stats.json" >"$work/site.log" 2>&1 &
  site_pid=$!
  for _ in $(seq 1 100); do
    grep -q '^crawl-site ready: ' "$work/site.log" && break
    kill -0 "$site_pid" 2>/dev/null || { cat "$work/site.log"; exit 1; }
    sleep 0.2
  done
  grep -q '^crawl-site ready: ' "$work/site.log" || { echo "the site is not ready"; exit 1; }
}

site_requests() { curl -sS "http://127.0.1.1:$site_port/_stats" | jq -r '.requests'; }

# kill -9 of the instance in the middle of its crawl, then a start on the same data: how long until it is ready,
# and until the site sees its next request
restart_eventline() {
  local before killed_at ready_s resumed_s
  before="$(site_requests)"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  killed_at=$(date +%s%N)
  echo "  kill -9 of the instance after $RESTART_AFTER s; the site had $before requests"
  QUIET_WAIT_SECONDS=0 start_instance 2>/dev/null
  ready_s=$(awk -v a="$killed_at" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  until (($(site_requests) > before)); do sleep 0.05; done
  resumed_s=$(awk -v a="$killed_at" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  echo "  restarted: ready line ${ready_s} s after the kill, the site's next request ${resumed_s} s after it"
  echo "restart ready=${ready_s}s resumed=${resumed_s}s"
}

# stops the site and prints its report: as text, then the JSON on one line
report_site() {
  echo "site process CPU $(cpu_seconds "$site_pid") s"
  rm -f "$work/site-stats.json"
  stop_site
  echo "-- site's report (java -jar producers/target/eventline-load.jar crawl-site ${site_args[*]} --expected-gap-ms $1)"
  grep -v '^crawl-site ready: ' "$work/site.log"
  echo "site-json $(jq -c . "$work/site-stats.json")"
}

run_crawler4j() {
  local delay=$1 limit=$time_limit storage="$work/crawler4j-storage-$1"
  ((delay == 0)) || limit=$c4j_delay_seconds
  await_quiet
  echo "== crawler4j 4.4.0, politeness delay $delay ms; $("$c4j_java" -version 2>&1 | head -1)"
  echo "machine load before: $(loadavg) (nproc $(nproc))"
  start_site "$delay"
  rm -rf "$storage"
  local args=(--seeds-file seeds.txt --threads "$c4j_threads" --delay-ms "$delay" --max-pages "$max_pages"
    --max-depth "$max_depth" --max-seconds "$limit" --storage "$storage")
  echo "\$ $c4j_java -Djdk.net.hosts.file=hosts -jar docs/benchmarks/crawler4j/target/crawler4j-harness.jar ${args[*]}"
  (cd "$work" && /usr/bin/time -f "crawler process CPU %U s user, %S s system, max RSS %M KB" \
    "$c4j_java" -Djdk.net.hosts.file="$work/hosts" ${C4J_JAVA_OPTS:-} -jar "$c4j_jar" "${args[@]}") 2>&1 \
    || echo "crawler4j failed ($?)"
  rm -rf "$storage"
  report_site "$delay"
  echo "machine load after: $(loadavg)"
}

run_eventline() {
  local delay=$1
  export EVENTLINE_DATA_DIR="$work/eventline-$delay"
  EVENTLINE_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
  export EVENTLINE_JWT_SECRET
  EVENTLINE_METRICS_TOKEN="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
  export EVENTLINE_METRICS_TOKEN
  export EVENTLINE_CRAWLER_ALLOW=127.0.0.0/8
  export EVENTLINE_CRAWLER_HOSTS="$host_pairs"
  export EVENTLINE_CRAWLER_SHARE_BY_ADDRESS=true
  export EVENTLINE_CRAWLER_WORKERS="$workers"
  # the defaults (100,000 each) already allow the site's 2,000 pages a host; set, so a changed default cannot cut it
  export EVENTLINE_CRAWLER_MAX_PAGES_PER_HOST="${EVENTLINE_CRAWLER_MAX_PAGES_PER_HOST:-100000}"
  export EVENTLINE_CRAWLER_MAX_QUEUE="${EVENTLINE_CRAWLER_MAX_QUEUE:-100000}"
  rm -rf "$EVENTLINE_DATA_DIR"
  mkdir -p "$EVENTLINE_DATA_DIR"
  local jar_built
  jar_built="$(date -u -r "$work/eventline.jar" +%FT%TZ)"
  echo "== Eventline: eventline.jar built $jar_built; $java_opts; http://127.0.0.1:$EVENTLINE_HTTP_PORT;" \
    "EVENTLINE_CRAWLER_WORKERS=$workers EVENTLINE_CRAWLER_MAX_PAGES_PER_HOST=$EVENTLINE_CRAWLER_MAX_PAGES_PER_HOST" \
    "EVENTLINE_CRAWLER_MAX_QUEUE=$EVENTLINE_CRAWLER_MAX_QUEUE EVENTLINE_CRAWLER_SHARE_BY_ADDRESS=true" \
    "EVENTLINE_CRAWLER_ALLOW=127.0.0.0/8 EVENTLINE_CRAWLER_HOSTS=h1.site.test=127.0.1.1,..."
  echo "machine load before: $(loadavg) (nproc $(nproc))"
  start_instance
  echo "instance ready: $(grep -m1 '^Eventline ready: ' "$work/instance.log" | cut -c1-160)"
  start_site "$delay"
  local log_lines url="http://127.0.0.1:$EVENTLINE_HTTP_PORT" token body answer crawl_id cpu_before
  log_lines="$(wc -l <"$work/instance.log")"
  token="$(java -jar "$work/eventline.jar" token crawler-bench --service)"
  body="$(jq -nc --rawfile seeds "$work/seeds.txt" --argjson maxPages "$max_pages" --argjson maxDepth "$max_depth" \
    --argjson delayMs "$delay" '{seeds: ($seeds | split("\n") | map(select(length > 0))),
      scope: {domains: ["site.test"]}, maxPages: $maxPages, maxDepth: $maxDepth, delayMs: $delayMs}')"
  echo "\$ curl -X POST $url/api/v1/crawls -H 'Authorization: Bearer \$SERVICE_TOKEN' -d '$(jq -c '.seeds |= (.[0:2] + ["..."])' <<<"$body")'"
  cpu_before="$(cpu_seconds "$pid")"
  answer="$(curl -sS -w '\nHTTP %{http_code}' -X POST "$url/api/v1/crawls" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "$body" || true)"
  echo "$answer"
  # 201 carries the crawl; a 202 (the start not confirmed within the wait) its event, whose ID is the crawl's
  crawl_id="$(sed '$d' <<<"$answer" | jq -r '.crawlId // .eventId // empty' 2>/dev/null || true)"
  if [[ -n "$crawl_id" ]]; then
    local started=$SECONDS last_fetched=-1 last_move=$SECONDS status state fetched ended="" restarted=""
    while true; do
      sleep "${POLL_SECONDS:-2}"
      if [[ -n "${RESTART_AFTER:-}" && -z "$restarted" ]] && ((SECONDS - started >= RESTART_AFTER)); then
        restart_eventline
        restarted=yes
        last_move=$SECONDS
        # the CPU below is the restarted process's alone
        cpu_before=0
      fi
      status="$(curl -sS "$url/api/v1/crawls/$crawl_id" -H "Authorization: Bearer $token" || true)"
      # until the crawl is in the instance's store (or when the answer is a problem) it counts as not started
      jq -e '.crawlId' >/dev/null 2>&1 <<<"$status" || status='{"state":"?","fetched":0}'
      state="$(jq -r '.state // "?"' <<<"$status")"
      fetched="$(jq -r '.fetched // 0' <<<"$status")"
      if ((fetched != last_fetched)); then
        last_fetched=$fetched
        last_move=$SECONDS
      fi
      if (((SECONDS - started) % 10 < ${POLL_SECONDS:-2})); then
        echo "  $((SECONDS - started)) s: $state, fetched $fetched, queued $(jq -r '.queued' <<<"$status"), failed $(jq -c '.failed // {}' <<<"$status"), pages/s $(jq -r '.pagesPerSecond' <<<"$status")"
      fi
      case "$state" in COMPLETED | CANCELLED | FAILED) ended="state $state" ;; esac
      ((SECONDS - last_move < stall_seconds)) || ended="fetched stayed at $fetched for $stall_seconds s"
      ((SECONDS - started < time_limit)) || ended="time limit of $time_limit s"
      [[ -z "$ended" ]] || break
    done
    echo "stopped polling after $((SECONDS - started)) s: $ended"
    echo "instance process CPU during the crawl $(awk -v a="$cpu_before" -v b="$(cpu_seconds "$pid")" 'BEGIN { printf "%.2f", b - a }') s"
    echo "crawl-json $(jq -c . <<<"$status")"
    echo "result pages=$fetched pagesPerSecond=$(jq -r '.pagesPerSecond' <<<"$status") state=$state"
  else
    echo "the crawl was refused"
  fi
  report_site "$delay"
  tail -n +"$((log_lines + 1))" "$work/instance.log" | grep -E ' (WARN|ERROR) ' >"$work/run-log.txt" || true
  echo "server log   $(wc -l <"$work/run-log.txt") WARN/ERROR lines during the run"
  sed -E 's/^[0-9:.]+ +//; s/\[[^]]*\] //; s/[0-9][0-9#.]{3,}/N/g' "$work/run-log.txt" | cut -c1-150 | sort \
    | uniq -c | sort -rn | head -5 | sed 's/^/             /'
  stop_eventline
  rm -rf "$EVENTLINE_DATA_DIR"
  echo "machine load after: $(loadavg)"
}

for system in crawler4j eventline; do
  [[ " $systems " == *" $system "* ]] || continue
  for delay in $delays; do
    file="$out/$system-delay-$delay$suffix.txt"
    {
      # this block runs in a subshell of its own: it stops what it started if it ends early
      trap 'stop_site; stop_eventline' EXIT
      echo "\$ docs/benchmarks/crawler-side-by-side.sh   # $system, delay $delay ms, $(date -u +%FT%TZ)"
      echo "commit $head$changes; site: $shape; page bytes $page_bytes; max pages $max_pages, max depth $max_depth"
      "run_$system" "$delay"
    } 2>&1 | tee "$file"
  done
done

# side by side: the crawler's own count and rate, then what the site saw
{
  echo "summary ($(date -u +%FT%TZ), commit $head$changes; pages/s and gaps as the site measured them)"
  printf '%-10s %6s %9s %9s %6s %10s %10s %10s %10s %10s\n' system delay crawler site dups "site p/s" \
    "crawler p/s" "gap min ms" "gap p1 ms" "< delay"
  for system in crawler4j eventline; do
    for delay in $delays; do
      file="$out/$system-delay-$delay$suffix.txt"
      [[ -f "$file" && " $systems " == *" $system "* ]] || continue
      result="$(grep -m1 '^result ' "$file" || true)"
      site_json="$(grep -m1 '^site-json ' "$file" | sed 's/^site-json //')"
      [[ -n "$site_json" ]] || site_json='{}'
      printf '%-10s %6s %9s %9s %6s %10s %10s %10s %10s %10s\n' "$system" "$delay" \
        "$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' <<<"$result")" "$(jq -r '.pagesServed // "-"' <<<"$site_json")" \
        "$(jq -r '.duplicates // "-"' <<<"$site_json")" "$(jq -r '.pagesPerSecond // "-"' <<<"$site_json")" \
        "$(sed -n 's/.*pagesPerSecond=\([0-9.]*\).*/\1/p' <<<"$result")" "$(jq -r '.gapMinMs // "-"' <<<"$site_json")" \
        "$(jq -r '.gapP1Ms // "-"' <<<"$site_json")" "$(jq -r '.gapsBelowExpected // "-"' <<<"$site_json")"
    done
  done
} | tee "$out/summary$suffix.txt"

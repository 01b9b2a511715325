#!/usr/bin/env bash
# How many admitted hits a kill -9 of a counter's owner loses from its window. One instance of its own owns every
# counter; the check API is loaded on one counter of a limit far above the load (a fixed window, so the window
# is a plain count), the instance is killed with kill -9 in the middle, restarted on the same data directory,
# and the restored window is compared with the admissions the client was answered. Writes
# docs/benchmarks/raw/ratelimit-kill.txt.
#
#   docs/benchmarks/ratelimit-kill.sh            # 3 rounds at 1,000 checks/s
#   ROUNDS=5 RATE=2000 docs/benchmarks/ratelimit-kill.sh
#
# Build first: mvn -B -o -q -DskipTests -Dmaven.test.skip=true package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw}"
java_opts="${EVENTLINE_JAVA_OPTS:-$(sed -n 's/.*EVENTLINE_JAVA_OPTS:-\([^}]*\)}.*/\1/p' "$root/eventline")}"
export EVENTLINE_HTTP_PORT="${EVENTLINE_HTTP_PORT:-18780}"
export EVENTLINE_KAFKA_PORT="${EVENTLINE_KAFKA_PORT:-19792}"
export EVENTLINE_REGISTRY_PORT="${EVENTLINE_REGISTRY_PORT:-18781}"
url="http://localhost:$EVENTLINE_HTTP_PORT"
rounds="${ROUNDS:-3}"
rate="${RATE:-1000}"
limit=100000000

work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-kill.XXXXXX")"
cp "$root/web/target/eventline.jar" "$root/producers/target/eventline-load.jar" "$work/"
export EVENTLINE_DATA_DIR="$work/data"
mkdir -p "$EVENTLINE_DATA_DIR" "$out"
# shellcheck source=instance-lib.sh
source "$root/docs/benchmarks/instance-lib.sh"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_instance
admin="$(java -jar "$work/eventline.jar" token ops --admin)"
service="$(java -jar "$work/eventline.jar" token drill --service)"
api() { curl -sf -X "$1" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$url$2" ${3:+-d "$3"}; }

{
  echo "\$ docs/benchmarks/ratelimit-kill.sh  (ROUNDS=$rounds RATE=$rate)"
  echo "commit $(git -C "$root" rev-parse --short HEAD); JVM: $java_opts; machine load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| Round | Checks answered OK | Hits in the restored window | Lost by the kill |"
  echo "| --- | ---: | ---: | ---: |"
} | tee "$out/ratelimit-kill.txt"

for round in $(seq 1 "$rounds"); do
  domain="drill-$round"
  api PUT "/api/v1/admin/ratelimit/rules/$domain" "{\"descriptors\":[{\"key\":\"client\",\"name\":\"drill\",\
\"rate_limit\":{\"unit\":\"week\",\"requests_per_unit\":$limit,\"algorithm\":\"fixed_window\"}}]}" >/dev/null
  java -jar "$work/eventline-load.jar" http-check --url "$url" --token "$service" --domain "$domain" \
    --key client --counters 1 --rate "$rate" --duration 8s --warmup 0s >"$work/load-$round.txt" 2>&1 &
  load=$!
  sleep 4
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  wait "$load" || true
  answered="$(sed -n 's/^status *.*\b200=\([0-9]*\).*/\1/p' "$work/load-$round.txt")"
  start_instance
  remaining=""
  for _ in $(seq 1 60); do
    remaining="$(api GET "/api/v1/admin/ratelimit/status?domain=$domain&descriptor=client=c-0" \
      | jq -r '.window.remaining // empty' 2>/dev/null || true)"
    [[ -n "$remaining" ]] && break
    sleep 1
  done
  counted=$((limit - remaining))
  echo "| $round | ${answered:-0} | $counted | $((${answered:-0} - counted)) |" | tee -a "$out/ratelimit-kill.txt"
done
echo | tee -a "$out/ratelimit-kill.txt"
echo "A negative loss is hits counted whose answer the kill kept from the client." | tee -a "$out/ratelimit-kill.txt"

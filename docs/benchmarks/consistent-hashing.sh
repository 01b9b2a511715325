#!/usr/bin/env bash
# Chapter 5 measured on a real cluster: brings up 3 brokers and 2 instances with ops/local-cluster.sh, loads state
# (short links of 40 users through nginx), then adds a third and a fourth instance. At 2, 3 and 4 instances it
# records GET /api/v1/admin/cluster once the assignment has settled (every task assigned, no warm-up replica left,
# unchanged for STABLE_SECONDS), and at 3 and 4 also the first assignment that names the new instance (before the
# probing rebalances that follow warm-ups). Each step is compared with the one before by `eventline-load
# scale-step` (active tasks and standbys that moved, the changelog bytes they hold, read from the brokers with
# describeLogDirs, and the keys that moved against hash % n), and the whole series by `eventline-load hashing`.
#
#   docs/benchmarks/consistent-hashing.sh
#
# Writes docs/benchmarks/raw/consistent-hashing-cluster.txt (the steps), consistent-hashing-simulation.txt (the
# simulation with the observed assignments) and consistent-hashing-cluster-N[-immediate].json (the raw answers).
# Knobs: EVENTLINE_CLUSTER_PORT_BASE (24000), EVENTLINE_CLUSTER_DIR (${TMPDIR:-/tmp}/eventline-hashing-cluster),
# LINKS_SECONDS (90, the state load at LINKS_RATE 200/s), STABLE_SECONDS (30),
# SETTLE_TIMEOUT_SECONDS (600), KEEP_CLUSTER (unset: the cluster is stopped and purged at the end), OUT.
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
links_seconds="${LINKS_SECONDS:-90}"
links_rate="${LINKS_RATE:-200}"
stable_seconds="${STABLE_SECONDS:-30}"
settle_timeout="${SETTLE_TIMEOUT_SECONDS:-600}"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
report="$out/consistent-hashing-cluster.txt"

for tool in jq curl openssl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
[[ -x "$cluster" ]] || { echo "$cluster is missing" >&2; exit 1; }
[[ -f "$root/producers/target/eventline-load.jar" ]] || { echo "build first: mvn -B -o -q -DskipTests package" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/eventline-hashing.XXXXXX")"
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
log() { echo "$*" | tee -a "$report"; }
: >"$report"
log "\$ docs/benchmarks/consistent-hashing.sh"
log "commit: $commit; EVENTLINE_CLUSTER_PORT_BASE=$EVENTLINE_CLUSTER_PORT_BASE, EVENTLINE_STANDBY_REPLICAS=$standby_replicas, EVENTLINE_TOPIC_PARTITIONS=6 (the instances run with the defaults)"
log "machine load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))"

"$cluster" down --purge >/dev/null 2>&1 || true
"$cluster" up --brokers 3 --instances 2 | tee -a "$work/up.txt"
# shellcheck disable=SC1091
source "$EVENTLINE_CLUSTER_DIR/cluster.env"
admin="$(java -jar "$EVENTLINE_JAR" token --admin ops)"

source "$root/docs/benchmarks/cluster-lib.sh"

step() {
  log ""
  log "\$ java -jar producers/target/eventline-load.jar scale-step --before $(basename "$1") --after $(basename "$2") --bootstrap \$KAFKA_BOOTSTRAP_SERVERS --standby-replicas $standby_replicas"
  load_gen scale-step --before "$1" --after "$2" --bootstrap "$KAFKA_BOOTSTRAP_SERVERS" \
    --standby-replicas "$standby_replicas" | tee -a "$report"
}

# state: short links of 40 users, each user well under the 20 writes per second the default rules allow
tokens=()
for i in $(seq 1 40); do tokens+=(--token "$(jwt "hashing-user-$i")"); done
log ""
log "\$ java -jar producers/target/eventline-load.jar http-post-urls --url \$EVENTLINE_URL --token ... (40 users) --rate $links_rate --duration ${links_seconds}s --warmup 0s"
load_gen http-post-urls --url "$EVENTLINE_URL" "${tokens[@]}" --rate "$links_rate" --duration "${links_seconds}s" \
  --warmup 0s | tee -a "$report"

await_settled 2 "$out/consistent-hashing-cluster-2.json"
for n in 3 4; do
  log ""
  log "\$ ops/local-cluster.sh add-instance   # -> $n instances; machine load $(cut -d' ' -f1-3 /proc/loadavg)"
  t0=$SECONDS
  "$cluster" add-instance | tee -a "$work/add-$n.txt"
  # shellcheck disable=SC1091
  source "$EVENTLINE_CLUSTER_DIR/cluster.env"
  log "add-instance returned after $((SECONDS - t0)) s"
  await_new "$n" "$out/consistent-hashing-cluster-$n-immediate.json"
  await_settled "$n" "$out/consistent-hashing-cluster-$n.json"
  log "from add-instance to settled: $((SECONDS - t0)) s"
  step "$out/consistent-hashing-cluster-$((n - 1)).json" "$out/consistent-hashing-cluster-$n-immediate.json"
  step "$out/consistent-hashing-cluster-$((n - 1)).json" "$out/consistent-hashing-cluster-$n.json"
done
log ""
log "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"

sim="$out/consistent-hashing-simulation.txt"
{
  echo "\$ java -jar producers/target/eventline-load.jar hashing --observed consistent-hashing-cluster-2.json --observed consistent-hashing-cluster-3.json --observed consistent-hashing-cluster-4.json"
  echo "commit: $commit; machine load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))"
  load_gen hashing --observed "$out/consistent-hashing-cluster-2.json" \
    --observed "$out/consistent-hashing-cluster-3.json" --observed "$out/consistent-hashing-cluster-4.json"
} | tee "$sim"

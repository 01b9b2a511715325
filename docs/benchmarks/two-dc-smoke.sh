#!/usr/bin/env bash
# The check of ops/two-dc.sh kept in docs/benchmarks/raw/two-dc/ops-smoke.txt: up; a record each way across
# MirrorMaker 2; the link cut while records are written on both sides (nothing crosses, both DCs answer /health
# from this host); heal, and how long from heal until each record arrives; down. Needs root and the built jar.
#
#   docs/benchmarks/two-dc-smoke.sh [CUT_SECONDS...]   # one cut per argument, default: 20
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TWO_DC="$ROOT/ops/two-dc.sh"
WORK="$(mktemp -d -t two-dc-smoke.XXXXXX)"
CUTS=("$@")
((${#CUTS[@]})) || CUTS=(20)
A=10.77.1.2:9092
B=10.77.2.2:9092
WATCHERS=()

now_ms() { date +%s%3N; }
stamp() { date -u +%T.%3N; }
step() { echo; echo "### $(stamp) $*"; }

stop_watchers() {
  local pid
  # each watcher is a session of its own: its consumer and the loop that stamps its lines
  for pid in "${WATCHERS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  WATCHERS=()
}
trap stop_watchers EXIT

# Follows a topic from its beginning in the background, each record as "<arrival ms> <CreateTime ms> <value>".
watch_topic() {
  local bootstrap="$1" topic="$2" out="$3"
  setsid bash -c '
    "$0" tool ConsoleConsumer --bootstrap-server "$1" --topic "$2" --from-beginning \
      --formatter-property print.timestamp=true 2>>"$4" \
      | while IFS=$'"'"'\t'"'"' read -r created value; do
          printf "%s %s %s\n" "$(date +%s%3N)" "${created#CreateTime:}" "$value"
        done >>"$3"' "$TWO_DC" "$bootstrap" "$topic" "$out" "$WORK/consumers.log" </dev/null &
  WATCHERS+=($!)
}

produce() {
  local bootstrap="$1" value="$2"
  echo "$value" | "$TWO_DC" tool ConsoleProducer --bootstrap-server "$bootstrap" --topic kv.changes.v1 \
    --command-property acks=all 2>>"$WORK/producers.log"
}

# Waits up to the given seconds for a value in a watcher's file; prints its line, or nothing.
await_value() {
  local out="$1" value="$2" seconds="$3" deadline
  deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    if grep -F " $value" "$out" 2>/dev/null | head -n 1 | grep -q .; then
      grep -F " $value" "$out" | head -n 1
      return 0
    fi
    sleep 0.2
  done
  return 1
}

health() {
  local url="$1"
  curl -s -o /dev/null -m 3 -w '%{http_code}' "$url/health" || true
}

step "ops/two-dc.sh up"
start=$SECONDS
"$TWO_DC" up
echo "up took $((SECONDS - start)) s"

step "ops/two-dc.sh status"
"$TWO_DC" status

step "ops/two-dc.sh slow 50 (tc netem)"
"$TWO_DC" slow 50 || echo "(exit $?)"

# Waits for the record "from-<side>-$$-SUFFIX" of each side to arrive on the other and says when: after it was
# produced, and after SINCE (milliseconds, the heal) when given.
report_arrivals() {
  local suffix="$1" seconds="$2" since="${3:-}" pair file value line arrived created
  for pair in "in-b.txt from-a-$$-$suffix" "in-a.txt from-b-$$-$suffix"; do
    read -r file value <<<"$pair"
    if line="$(await_value "$WORK/$file" "$value" "$seconds")"; then
      read -r arrived created _ <<<"$line"
      if [[ -n "$since" ]]; then
        echo "$value arrived in ${file#in-}: $((arrived - since)) ms after heal ($((arrived - created)) ms after it was produced)"
      else
        echo "$value arrived in ${file#in-}: $((arrived - created)) ms after it was produced"
      fi
    else
      echo "$value did NOT arrive in ${file#in-} within $seconds s${since:+ of heal}"
    fi
  done
}

watch_topic "$B" a.kv.changes.v1 "$WORK/in-b.txt"
watch_topic "$A" b.kv.changes.v1 "$WORK/in-a.txt"

step "a record each way, the link up"
produce "$A" "from-a-$$-1"
produce "$B" "from-b-$$-1"
report_arrivals 1 120

round=0
for cut_seconds in "${CUTS[@]}"; do
  round=$((round + 1))
  step "cut $round: ops/two-dc.sh cut, then a record on each side, ${cut_seconds} s apart"
  "$TWO_DC" cut
  produce "$A" "from-a-$$-cut-$round"
  produce "$B" "from-b-$$-cut-$round"
  echo "from this host: DC a /health $(health http://10.77.1.2:8080), DC b /health $(health http://10.77.2.2:8080)"
  echo "from DC b to DC a: $("$TWO_DC" exec b curl -s -o /dev/null -m 3 -w '%{http_code}' http://10.77.1.2:8080/health || true)" \
    "(000: no answer)"
  sleep "$cut_seconds"
  crossed=0
  grep -qF " from-a-$$-cut-$round" "$WORK/in-b.txt" && crossed=1
  grep -qF " from-b-$$-cut-$round" "$WORK/in-a.txt" && crossed=1
  echo "after ${cut_seconds} s cut: $( ((crossed)) && echo 'a record CROSSED the cut link' || echo 'neither record crossed')"
  echo "from this host: DC a /health $(health http://10.77.1.2:8080), DC b /health $(health http://10.77.2.2:8080)"
  "$TWO_DC" status | sed -n '/^replication/,$p'

  step "heal $round"
  healed=$(now_ms)
  "$TWO_DC" heal
  report_arrivals "cut-$round" 180 "$healed"
done

step "ops/two-dc.sh status"
"$TWO_DC" status

stop_watchers
step "ops/two-dc.sh down"
"$TWO_DC" down
ip netns list | grep -c eventline-dc || true
iptables -S FORWARD | grep -c eventline-two-dc || true
echo "(0 namespaces and 0 rules left)"
rm -rf "$WORK"

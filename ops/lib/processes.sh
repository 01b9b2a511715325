# Processes a script of ops/ starts and stops: one pid file each under $DIR/run, a log each, a session of their own.
# The sourcing script defines DIR, STOP_WAIT_SECONDS, say and fail, and sets PROCESS_TAG (its name in the logs'
# banners) and, if it has one, CLEANUP_HINT (appended to the failures it reports, e.g. "; ops/two-dc.sh down cleans
# up").
# shellcheck shell=bash
pid_file() { echo "$DIR/run/$1.pid"; }

# The pid of a process this script started that still runs (checked against its command line, so a recycled
# pid of some other program is not taken for it), or nothing.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 0
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/"; then
    echo "$pid"
  fi
}

# Starts a command in a session of its own (so the caller's Ctrl-C or hang-up does not reach it), appending its
# output to a log and recording its pid.
spawn() {
  local name="$1" log="$2"
  shift 2
  local file
  file="$(pid_file "$name")"
  rm -f "$file"
  echo "=== ${PROCESS_TAG:-ops}: $name starting at $(date -u +%FT%TZ) ===" >>"$log"
  # the pid is written by the shell that then becomes the command, so it is right whether setsid forks or not
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$file" "$@" >>"$log" 2>&1 </dev/null &
  local waited=0
  while [[ ! -s "$file" ]] && ((waited < 50)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  [[ -s "$file" ]] || fail "$name did not start (see $log)"
}

# SIGTERM, then SIGKILL after STOP_WAIT_SECONDS, for every named process at once; waits until all have gone.
stop_processes() {
  local name pid pids=() names=()
  for name in "$@"; do
    pid="$(running_pid "$name")"
    if [[ -n "$pid" ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$name")
    fi
  done
  ((${#pids[@]})) || return 0
  local deadline=$((SECONDS + STOP_WAIT_SECONDS)) i alive
  while true; do
    alive=0
    for i in "${!pids[@]}"; do
      kill -0 "${pids[$i]}" 2>/dev/null && alive=1
    done
    ((alive)) || break
    if ((SECONDS >= deadline)); then
      for i in "${!pids[@]}"; do
        if kill -0 "${pids[$i]}" 2>/dev/null; then
          say "${names[$i]} (pid ${pids[$i]}) did not stop within ${STOP_WAIT_SECONDS} s: SIGKILL"
          kill -KILL "${pids[$i]}" 2>/dev/null || true
        fi
      done
      deadline=$((SECONDS + 10))
    fi
    sleep 0.2
  done
  for name in "${names[@]}"; do
    rm -f "$(pid_file "$name")"
  done
}

kill_process() {
  local name="$1" pid
  pid="$(running_pid "$name")"
  [[ -n "$pid" ]] || fail "$name is not running"
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.05
  done
  say "$name (pid $pid) killed with SIGKILL"
}

log_size() {
  if [[ -f "$1" ]]; then stat -c %s "$1"; else echo 0; fi
}

# Waits until each named process has printed its line (an extended regex) into its log after the given offset.
# Arguments: seconds, pattern, then name:log:offset triples.
await_lines() {
  local seconds="$1" pattern="$2"
  shift 2
  local deadline=$((SECONDS + seconds)) entry name log offset pending
  while true; do
    pending=()
    for entry in "$@"; do
      IFS=: read -r name log offset <<<"$entry"
      if tail -c +$((offset + 1)) "$log" 2>/dev/null | grep -qE "$pattern"; then
        continue
      fi
      if [[ -z "$(running_pid "$name")" ]]; then
        echo "--- last lines of $log ---" >&2
        tail -c +$((offset + 1)) "$log" | tail -n 30 >&2
        fail "$name exited before it was ready (log: $log${CLEANUP_HINT:-})"
      fi
      pending+=("$entry")
    done
    ((${#pending[@]})) || return 0
    if ((SECONDS >= deadline)); then
      local names=()
      for entry in "${pending[@]}"; do names+=("${entry%%:*}"); done
      fail "${names[*]} not ready within $seconds s (logs in $DIR/logs${CLEANUP_HINT:-})"
    fi
    set -- "${pending[@]}"
    sleep 0.5
  done
}

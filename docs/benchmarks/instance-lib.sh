#!/usr/bin/env bash
# Shared by the scripts that measure one Eventline instance of their own (source it, do not run it). They set
# $work (a directory holding eventline.jar) and $java_opts first; start_instance sets $pid.

# waits until no test fork, benchmark or other Eventline instance runs and the 1-minute load average is below
# QUIET_LOAD (1.5), at most QUIET_WAIT_SECONDS (10 minutes by default)
await_quiet() {
  local waited=0
  while pgrep -f 'surefire|failsafe|eventline\.jar|eventline-load\.jar|eventline\.[a-z]*\.bench\.' \
      | grep -vx "${pid:-none}" >/dev/null \
      || awk -v max="${QUIET_LOAD:-1.5}" '{ exit !($1 >= max) }' /proc/loadavg; do
    if ((waited >= ${QUIET_WAIT_SECONDS:-600})); then
      echo "the machine is still busy after ${waited} s; running anyway" >&2
      return
    fi
    sleep 10
    waited=$((waited + 10))
  done
}

# once the machine is quiet, starts $work/eventline.jar with its log in $work/instance.log and waits for its ready
# line; ends the script if the instance stops or is not ready within 5 minutes
start_instance() {
  await_quiet
  # shellcheck disable=SC2086
  java $java_opts -jar "$work/eventline.jar" run >"$work/instance.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q '^Eventline ready: ' "$work/instance.log" && break
    kill -0 "$pid" 2>/dev/null || { tail -20 "$work/instance.log"; exit 1; }
    sleep 0.5
  done
  grep -q '^Eventline ready: ' "$work/instance.log" || { echo "not ready"; exit 1; }
}

#!/usr/bin/env bash
# The stop-the-world pauses a JVM's GC log records between two JVM uptimes, e.g. the ones `jcmd PID VM.uptime`
# gave when a load run started and ended. The log must carry uptime decorations, as the benchmark scripts write it
# (-Xlog:gc*:file=FILE:uptime,level,tags); Serial, Parallel, G1, ZGC and Shenandoah pause lines are understood.
#
#   docs/benchmarks/gc-pauses.sh instance-a-gc.log 312.4 343.9        # the pauses of that window
#   docs/benchmarks/gc-pauses.sh instance-a-gc.log                    # the whole log
#
# Prints one line: pauses N  p50 X ms  p99 Y ms  max Z ms  total T ms (nearest-rank percentiles); with
# GC_LINES=FILE it also copies the window's log lines there.
set -euo pipefail
log="$1"
from="${2:-0}"
to="${3:-1e12}"

# [312.905s][info][gc          ] GC(41) Pause Young (Allocation Failure) 61M->23M(123M) 17.951ms
# [312.905s][info][gc,phases   ] GC(7) Pause Mark Start 0.012ms                      (ZGC logs its pauses here)
window() {
  awk -v from="$from" -v to="$to" '
    match($0, /^\[[0-9.]+s\]/) {
      t = substr($0, 2, RLENGTH - 3) + 0
      if (t >= from && t <= to) print
    }' "$log"
}

if [[ -n "${GC_LINES:-}" ]]; then
  window >"$GC_LINES"
fi
window \
  | awk '/\]\[(gc|gc,phases) *\] GC\([0-9]+\) .*Pause.* [0-9.]+ms$/ { ms = $NF; sub(/ms$/, "", ms); print ms }' \
  | sort -g \
  | awk '
    { ms[NR] = $1; total += $1 }
    function at(p,   i) { i = int(p * NR); if (i < p * NR) i++; if (i < 1) i = 1; return ms[i] }
    END {
      if (NR == 0) { print "pauses 0  p50 0.00 ms  p99 0.00 ms  max 0.00 ms  total 0.00 ms"; exit }
      printf "pauses %d  p50 %.2f ms  p99 %.2f ms  max %.2f ms  total %.2f ms\n", NR, at(0.5), at(0.99), ms[NR], total
    }'

#!/usr/bin/env bash
# CPU seconds each group of Java threads of a JVM used over a window, e.g. while a load run goes on:
#   docs/benchmarks/thread-cpu.sh PID 30
# Threads are grouped by name without trailing numbers, so the broker's request handlers count as one line.
# JVM-internal threads (JIT compilers, GC) are summed from /proc, since the thread dump leaves them out.
set -euo pipefail
pid="$1"
seconds="${2:-30}"
hz="$(getconf CLK_TCK)"

# "name" #12 ... cpu=1234.56ms ... nid=0x1f ...  ->  nid<TAB>name<TAB>ms (names repeat; native IDs do not)
java_threads() {
  jcmd "$pid" Thread.print 2>/dev/null \
    | sed -n 's/^"\(.*\)" .*cpu=\([0-9.]*\)ms.* nid=\(0x[0-9a-f]*\) .*/\3\t\1\t\2/p'
}
process_ms() { awk -v hz="$hz" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat"; }

java_before="$(java_threads)"
process_before="$(process_ms)"
sleep "$seconds"
java_after="$(java_threads)"
process_after="$(process_ms)"

awk -F'\t' -v secs="$seconds" -v process_ms="$((process_after - process_before))" '
  NR == FNR { start[$1] = $3; next }
  {
    name = $2
    sub(/[-# ]?[0-9]+$/, "", name)
    ms = $3 - (($1 in start) ? start[$1] : 0)
    used[name] += ms
    java += ms
  }
  END {
    for (n in used) if (used[n] >= 50) printf "%8.2f s  %s\n", used[n] / 1000, n
    printf "%8.2f s  JVM-internal threads (JIT, GC, VM)\n", (process_ms - java) / 1000
    printf "%8.2f s  whole process in %d s = %.2f cores\n", process_ms / 1000, secs, process_ms / 1000 / secs
  }' <(echo "$java_before") <(echo "$java_after") | sort -rn

#!/usr/bin/env bash
# Measures the crawler's URL-seen set (BENCHMARKS.md, "Crawler: URL-seen set"; docs/crawler.md, "Memory and what a
# Bloom false positive costs"): for each size, one crawl's URLs inserted through the frontier's SeenFilter (its
# Bloom filter sized by CrawlerSettings' defaults) in front of a persistent Kafka Streams store configured by
# BoundedRocksDbConfig with the platform's default total bytes; then the store on disk, RocksDB's memory, lookups
# of seen and unseen URLs, the filter's rebuild after a restart and the heap. One JVM per size, so no size sees
# another's heap or RocksDB cache. No broker, no Eventline instance.
#
#   docs/benchmarks/crawler-seen-set.sh                    # 1,000,000 and 10,000,000 URLs: 30 s, then 20 minutes
#                                                          # or more (past 3 M nearly every insert reads the store)
#   docs/benchmarks/crawler-seen-set.sh 1000000            # only the sizes named
#   PROBES=100000 OUT=/tmp/seen.txt docs/benchmarks/crawler-seen-set.sh 100000   # a quick check of the tooling
#   FILL=direct docs/benchmarks/crawler-seen-set.sh 10000000   # filter and store filled without the insert path
#                                                              # (its store read per false positive), then the rest
#
# Knobs: BENCH_JVM (the JVM options, default -Xms256m -Xmx2g -XX:+UseG1GC), PROBES (lookups of each kind, default
# 1,000,000), FILL (insert, the default, or direct), TMPDIR (where each size's state directory is made and then
# deleted: 10 M URLs take about 0.6 GB), OUT (the raw output, default docs/benchmarks/raw/crawler-seen-set.txt).
#
# Builds streams-app and the modules it depends on in the reactor (nothing is installed into ~/.m2), then runs
# io.eventline.crawler.bench.SeenSetBenchmark from streams-app's test classes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$root/docs/benchmarks/raw/crawler-seen-set.txt}"
jvm="${BENCH_JVM:--Xms256m -Xmx2g -XX:+UseG1GC}"
probes="${PROBES:-1000000}"
fill="${FILL:-insert}"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000000 10000000)
for size in "${sizes[@]}"; do
  [[ "$size" =~ ^[1-9][0-9]*$ ]] || { echo "a size is a whole number of URLs, got $size" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
cd "$root"

classpath="$root/streams-app/target/seen-bench.classpath"
mvn -B -q -o -pl streams-app -am -DskipTests -Dcpd.skip=true test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$classpath"
[[ -s "$classpath" ]] || { echo "no classpath written to $classpath" >&2; exit 1; }

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain -- streams-app/src 2>/dev/null)" ]]; then
  commit="$commit, with uncommitted changes in streams-app/src"
fi

{
  echo "\$ docs/benchmarks/crawler-seen-set.sh ${sizes[*]}   (PROBES=$probes, FILL=$fill, BENCH_JVM=\"$jvm\")"
  echo "commit $commit"
  echo "machine: $(nproc) cores, $(awk '/^model name/ { sub(/^[^:]*: /, ""); print; exit }' /proc/cpuinfo)," \
    "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory; $(uname -sr);" \
    "temporary directory ${TMPDIR:-/tmp} on $(df -P "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $1 }')"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "uptime before: $(uptime)"
  for size in "${sizes[@]}"; do
    # shellcheck disable=SC2086 # the JVM options are words
    java $jvm -cp "$root/streams-app/target/test-classes:$root/streams-app/target/classes:$(cat "$classpath")" \
      io.eventline.crawler.bench.SeenSetBenchmark "$size" "probes=$probes" "fill=$fill" 2>&1 \
      | grep --line-buffered -v -e ' INFO ' -e '^SLF4J'
  done
  echo ""
  echo "uptime after: $(uptime)"
} | tee "$out"

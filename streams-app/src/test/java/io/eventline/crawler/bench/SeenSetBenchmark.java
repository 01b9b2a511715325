package io.eventline.crawler.bench;

import io.eventline.bench.Bench;
import io.eventline.crawler.BloomFilter;
import io.eventline.crawler.CrawlerSettings;
import io.eventline.crawler.CrawlerStores;
import io.eventline.crawler.SeenFilter;
import io.eventline.platform.EventlineConfig;
import io.eventline.streams.BoundedRocksDbConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The crawler's URL-seen set at a given number of URLs of one crawl, built from its real parts: a
 * {@link SeenFilter} whose first {@link BloomFilter} is sized by {@link CrawlerSettings#defaults()} as the frontier
 * sizes it (later ones grow with the URLs), in front of a persistent Kafka Streams key-value store named {@link CrawlerStores#SEEN} with the frontier's
 * keys and values, configured by {@link BoundedRocksDbConfig} with the platform's default total bytes. The store is
 * opened without changelog and without Kafka Streams' record cache, so every read and write reaches RocksDB.
 *
 * <p>Per size: the insert of every URL through {@link SeenFilter#firstSeen(String)} (the frontier's path for a
 * discovered URL), with the filter's false positives as it fills; the store on disk after a flush; RocksDB's memory
 * from Kafka Streams' store metrics; lookups of seen URLs (filter "maybe", one store read) and of unseen URLs (filter
 * "no" and no read, or a false positive and one store read that finds nothing); the rebuild of the filter from the
 * store, as after a restart; the heap after a full GC.
 *
 * <p>{@code docs/benchmarks/crawler-seen-set.sh [urls...]} runs one JVM per size; arguments here are sizes, then
 * optional {@code name=value}: {@code probes} (lookups of each kind, default 1,000,000), {@code dir} (state
 * directory, default a new temporary directory, deleted at the end), {@code fill=direct} (fill the filter and the
 * store without the insert path).
 */
public final class SeenSetBenchmark {
    private static final String CRAWL_ID = "crawl-bench";
    private static final int HOSTS = 10_000;
    private static final String[] SECTIONS = {"news", "sport", "products/catalog", "blog/archive", "docs",
        "forum/threads", "shop/category/items", "about"};
    private static final long SEED = 20_261_207L;
    private static final int INSERT_SAMPLE_EVERY = 16;
    private static final int FILL_STEPS = 10;
    private static final List<String> MEMORY_METRICS = List.of("block-cache-capacity", "block-cache-usage",
            "block-cache-pinned-usage", "cur-size-all-mem-tables", "size-all-mem-tables", "estimate-table-readers-mem");

    private final long urls;
    private final int probes;
    private final Path stateDir;
    private final RunningClock clock;
    private final boolean direct;
    private final CrawlerSettings settings = CrawlerSettings.defaults();
    private final long totalRocksDbBytes = Long.parseLong(
            EventlineConfig.DEFAULTS.get("EVENTLINE_ROCKSDB_CACHE_BYTES"));

    private SeenSetBenchmark(long urls, int probes, Path stateDir, RunningClock clock, boolean direct) {
        this.urls = urls;
        this.probes = probes;
        this.stateDir = stateDir;
        this.clock = clock;
        this.direct = direct;
    }

    public static void main(String[] args) throws IOException {
        int sizes = 0;
        while (sizes < args.length && !args[sizes].contains("=")) {
            sizes++;
        }
        final Map<String, String> options = Bench.options(args, sizes);
        final long[] counts = sizes == 0 ? new long[] {1_000_000}
                : Arrays.stream(args, 0, sizes).mapToLong(arg -> Long.parseLong(arg.replace("_", ""))).toArray();
        final int probes = Integer.parseInt(options.getOrDefault("probes", "1000000"));
        final long began = System.nanoTime();
        Bench.header("SeenSetBenchmark " + Arrays.toString(counts), options);
        for (long count : counts) {
            final boolean temporary = !options.containsKey("dir");
            final Path dir = temporary ? Files.createTempDirectory("crawler-seen-bench-")
                    : Path.of(options.get("dir"));
            try (RunningClock clock = new RunningClock()) {
                new SeenSetBenchmark(count, probes, dir, clock, "direct".equals(options.get("fill"))).run();
            } finally {
                if (temporary) {
                    Bench.deleteRecursively(dir);
                }
            }
        }
        Bench.footer(began);
    }

    /** The {@code i}-th URL of the crawl: 60 to 80 characters, on one of {@value #HOSTS} hosts, never repeated. */
    static String url(long i) {
        final long host = HOSTS + i % HOSTS;
        final long page = i / HOSTS;
        final String section = SECTIONS[(int) (page % SECTIONS.length)];
        // a scrambled id, so the keys' order on disk is not the order of discovery
        final long id = 1_000_000_000_000L + ((i * 0x9E3779B97F4A7C15L) >>> 24);
        return "http://h" + host + ".site.test/" + section + "/" + page % 97 + "/page-" + page + ".html?id=" + id;
    }

    private void run() {
        Bench.line("");
        Bench.line("== %s URLs of one crawl; Bloom filter sized for %s at %s (CrawlerSettings.defaults());"
                + " RocksDB bounded to %s (EVENTLINE_ROCKSDB_CACHE_BYTES default) ==", Bench.count(urls),
                Bench.count(settings.seenExpectedEntries()), settings.seenFalsePositiveRate(),
                Bench.mib(totalRocksDbBytes));
        Bench.line("state directory %s; URLs like %s (%d chars) .. %s (%d chars); mean %.1f chars",
                stateDir, url(0), url(0).length(), url(urls - 1), url(urls - 1).length(), meanLength());
        final long heapBefore = heapAfterGc();
        final MockProcessorContext<Object, Object> context = context();
        final KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CrawlerStores.SEEN), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().withCachingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        try {
            final SeenFilter seen = SeenFilter.exact(settings, frontierStore(store, context));
            if (direct) {
                fillDirectly(seen, store);
            } else {
                insert(seen);
            }
            disk(store);
            memory(context, "after the insert and the flush");
            lookups(seen, store);
            memory(context, "after the lookups");
            compareSizedForAll();
            rebuild(store);
            final long heapAfter = heapAfterGc();
            Bench.line("heap used after a full GC: %s with the filter and the open store, %s before them"
                    + " (difference %s; the filter's bits are %s)", Bench.mib(heapAfter), Bench.mib(heapBefore),
                    Bench.mib(heapAfter - heapBefore), Bench.mib(seen.sizeBytes()));
            Bench.line("process resident set %s, of which the heap committed %s (the rest is RocksDB's native"
                    + " memory, the JVM's own and code)", Bench.mib(residentBytes()),
                    Bench.mib(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()));
        } finally {
            store.close();
        }
    }

    private double meanLength() {
        final int sample = 100_000;
        final SplittableRandom random = new SplittableRandom(SEED);
        long chars = 0;
        for (int i = 0; i < sample; i++) {
            chars += url(random.nextLong(urls)).length();
        }
        return (double) chars / sample;
    }

    private MockProcessorContext<Object, Object> context() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "crawler-seen-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        props.put(BoundedRocksDbConfig.TOTAL_BYTES_CONFIG, totalRocksDbBytes);
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props, new TaskId(0, 0),
                stateDir.toFile());
        context.setCurrentSystemTimeMs(1_765_000_000_000L);
        return context;
    }

    /** The store behind the filter exactly as the frontier keeps it: {@code crawlId NUL url} to first-seen time. */
    private static SeenFilter.Store frontierStore(KeyValueStore<String, Long> store,
                                                  MockProcessorContext<Object, Object> context) {
        return new SeenFilter.Store() {
            @Override
            public boolean contains(String url) {
                return store.get(CrawlerStores.urlKey(CRAWL_ID, url)) != null;
            }

            @Override
            public void add(String url) {
                store.put(CrawlerStores.urlKey(CRAWL_ID, url), context.currentSystemTimeMs());
            }
        };
    }

    private void insert(SeenFilter seen) {
        Bench.line("");
        Bench.line("insert: every URL once through SeenFilter.firstSeen (filter, then a store read on \"maybe\","
                + " then the store write)");
        final long[] sampled = new long[(int) ((urls + INSERT_SAMPLE_EVERY - 1) / INSERT_SAMPLE_EVERY)];
        final long step = Math.max(1, urls / FILL_STEPS);
        Bench.line("  (rate: per second of the step's running time, its wall time less the time the process was"
                + " stopped, not scheduled or paused for over 200 ms at a time; CPU: the whole process's,"
                + " RocksDB's background threads included)");
        Bench.line("  %14s %10s %12s %15s %10s %10s %10s", "URLs in", "rate", "fp in step", "filter's model",
                "running", "stopped", "CPU");
        RunningClock.Mark stepStart = clock.mark();
        long stepFalsePositives = 0;
        final RunningClock.Mark began = stepStart;
        for (long i = 0; i < urls; i++) {
            final String url = url(i);
            final long t0 = System.nanoTime();
            if (!seen.firstSeen(url)) {
                throw new IllegalStateException("a new URL was taken as seen: " + url);
            }
            if (i % INSERT_SAMPLE_EVERY == 0) {
                sampled[(int) (i / INSERT_SAMPLE_EVERY)] = System.nanoTime() - t0;
            }
            if ((i + 1) % step == 0 || i + 1 == urls) {
                final RunningClock.Mark now = clock.mark();
                final long inStep = (i % step) + 1;
                Bench.line("  %14s %10s %11.2f%% %14.2f%% %8.1f s %8.1f s %8.1f s", Bench.count(i + 1),
                        Bench.rate(inStep, stepStart.runningTo(now)),
                        100.0 * (seen.falsePositives() - stepFalsePositives) / inStep,
                        100.0 * seen.modelFalsePositiveRate(), Bench.seconds(stepStart.runningTo(now)),
                        Bench.seconds(stepStart.pausedTo(now)), Bench.seconds(stepStart.cpuTo(now)));
                stepStart = now;
                stepFalsePositives = seen.falsePositives();
            }
        }
        final RunningClock.Mark end = clock.mark();
        final long nanos = began.runningTo(end);
        Bench.line("  inserted %s URLs in %.1f s of running time (%.1f s stopped, %.1f s of CPU): %s; store reads on"
                + " \"maybe\" %s (%.2f%% of inserts), all of them false positives: %s", Bench.count(urls),
                Bench.seconds(nanos), Bench.seconds(began.pausedTo(end)), Bench.seconds(began.cpuTo(end)),
                Bench.rate(urls, nanos), Bench.count(seen.storeReads()), 100.0 * seen.storeReads() / urls,
                Bench.count(seen.falsePositives()));
        Bench.line("  insert latency (every %dth): %s", INSERT_SAMPLE_EVERY, micros(sampled));
        filterLine(seen);
    }

    /**
     * The same filter and store contents as {@link #insert} leaves, without its store read per false positive:
     * every URL put into the filter and the store, to measure what follows when the insert itself takes too long.
     */
    private void fillDirectly(SeenFilter seen, KeyValueStore<String, Long> store) {
        Bench.line("");
        Bench.line("fill: every URL put into the filter and the store directly (fill=direct: not through"
                + " SeenFilter.firstSeen, so no store read on \"maybe\"; the insert path is not measured)");
        final RunningClock.Mark began = clock.mark();
        for (long i = 0; i < urls; i++) {
            final String url = url(i);
            seen.remember(url);
            store.put(CrawlerStores.urlKey(CRAWL_ID, url), 1_765_000_000_000L);
        }
        final RunningClock.Mark end = clock.mark();
        Bench.line("  filled %s URLs in %.1f s of running time (%.1f s stopped, %.1f s of CPU): %s",
                Bench.count(urls), Bench.seconds(began.runningTo(end)), Bench.seconds(began.pausedTo(end)),
                Bench.seconds(began.cpuTo(end)), Bench.rate(urls, began.runningTo(end)));
        filterLine(seen);
    }

    private void filterLine(SeenFilter seen) {
        Bench.line("  Bloom filters: %d (each new one twice the last, at half its rate), %s bytes on the heap (%s);"
                + " model's false-positive rate at %s URLs: %.2f%%", seen.filters(), Bench.count(seen.sizeBytes()),
                Bench.mib(seen.sizeBytes()), Bench.count(urls), 100.0 * seen.modelFalsePositiveRate());
    }

    private void disk(KeyValueStore<String, Long> store) {
        final long flushStart = System.nanoTime();
        store.flush();
        final long flushed = System.nanoTime() - flushStart;
        final Path dir = storeDir();
        final long sstAtFlush = sstBytes(dir);
        final long settledAfter = settle(dir);
        final long sst = sstBytes(dir);
        Bench.line("");
        Bench.line("on disk (%s): after flush (%.1f s) %s in SST files; after compactions settled (%.0f s more) %s in"
                + " %d SST files, %.1f bytes per URL; whole store directory %s", dir, Bench.seconds(flushed),
                Bench.mib(sstAtFlush), Bench.seconds(settledAfter), Bench.mib(sst), sstFiles(dir),
                (double) sst / urls, Bench.mib(Bench.directoryBytes(dir)));
    }

    /** Waits until the SST files stop changing for five seconds (at most two minutes); returns how long it took. */
    private static long settle(Path dir) {
        final long began = System.nanoTime();
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() - stableSince < 5_000_000_000L && System.nanoTime() - began < 120_000_000_000L) {
            final long now = sstBytes(dir) * 1_000 + sstFiles(dir);
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
            Bench.sleep(500);
        }
        return System.nanoTime() - began - 5_000_000_000L;
    }

    private Path storeDir() {
        try (Stream<Path> found = Files.walk(stateDir)) {
            return found.filter(path -> path.getFileName().toString().equals(CrawlerStores.SEEN)
                    && Files.isDirectory(path)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no store directory under " + stateDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sstBytes(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".sst")).mapToLong(file -> file.toFile().length())
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sstFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".sst")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RocksDB's memory as Kafka Streams' store metrics see it (properties of the shared cache and memtables). */
    private void memory(MockProcessorContext<Object, Object> context, String when) {
        Bench.line("");
        Bench.line("RocksDB memory %s, from Kafka Streams' RocksDB metrics of the store (stream-state-metrics); the"
                + " configured bound is %s for block cache, index and filter blocks and memtables together"
                + " (BoundedRocksDbConfig: one LRU cache, the write buffer manager charging memtables to it, a"
                + " quarter of it at most):", when, Bench.mib(totalRocksDbBytes));
        final Map<String, Object> values = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> metric : context.metrics().metrics().entrySet()) {
            final MetricName name = metric.getKey();
            if ("stream-state-metrics".equals(name.group()) && MEMORY_METRICS.contains(name.name())) {
                values.put(name.name(), metric.getValue().metricValue());
            }
        }
        if (values.isEmpty()) {
            Bench.line("  no RocksDB memory metric was reachable; the bound above is the configured one");
        }
        values.forEach((name, value) -> Bench.line("  %-32s %s", name, value instanceof Number number
                ? Bench.mib(number.longValue()) + " (" + Bench.count(number.longValue()) + " bytes)" : value));
    }

    private void lookups(SeenFilter seen, KeyValueStore<String, Long> store) {
        Bench.line("");
        Bench.line("lookups, %s of each kind after %s unmeasured; each timed alone (rates per second of running"
                + " time):", Bench.count(probes),
                Bench.count(probes / 10));
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        probeSeen(seen, store, random, probes / 10, false);
        probeSeen(seen, store, random, probes, true);
        probeUnseen(seen, store, urls + probes, probes / 10, false);
        probeUnseen(seen, store, urls, probes, true);
    }

    /** URLs taken at random from those inserted: the filter says "maybe" and one store read finds the URL. */
    private void probeSeen(SeenFilter seen, KeyValueStore<String, Long> store, SplittableRandom random, int n,
                           boolean print) {
        final long[] nanos = new long[n];
        final RunningClock.Mark began = clock.mark();
        for (int i = 0; i < n; i++) {
            final String url = url(random.nextLong(urls));
            final long t0 = System.nanoTime();
            final boolean found = seen.mightContain(url) && store.get(CrawlerStores.urlKey(CRAWL_ID, url)) != null;
            nanos[i] = System.nanoTime() - t0;
            if (!found) {
                throw new IllegalStateException("a seen URL was not found: " + url);
            }
        }
        final long total = began.runningTo(clock.mark());
        if (print) {
            Bench.line("  seen URLs (filter \"maybe\", then one store read that finds it): %s; %s",
                    Bench.rate(n, total), micros(nanos));
        }
    }

    /**
     * URLs never inserted, from index {@code from} on: the filter answers "no" (no read), or falsely "maybe" and one
     * store read finds nothing. The two kinds are timed apart, so the cost of a false positive is its read.
     */
    private void probeUnseen(SeenFilter seen, KeyValueStore<String, Long> store, long from, int n,
                             boolean print) {
        final long[] no = new long[n];
        final long[] maybe = new long[n];
        final long[] all = new long[n];
        int noCount = 0;
        int maybeCount = 0;
        final RunningClock.Mark began = clock.mark();
        for (int i = 0; i < n; i++) {
            final String url = url(from + i);
            final long t0 = System.nanoTime();
            final boolean maybeSeen = seen.mightContain(url);
            if (maybeSeen && store.get(CrawlerStores.urlKey(CRAWL_ID, url)) != null) {
                throw new IllegalStateException("an unseen URL was found: " + url);
            }
            final long took = System.nanoTime() - t0;
            all[i] = took;
            if (maybeSeen) {
                maybe[maybeCount++] = took;
            } else {
                no[noCount++] = took;
            }
        }
        final long total = began.runningTo(clock.mark());
        if (print) {
            Bench.line("  unseen URLs, all: %s; %s", Bench.rate(n, total), micros(all));
            Bench.line("    filter \"no\", no store read: %s (%.2f%%); %s", Bench.count(noCount), 100.0 * noCount / n,
                    micros(Arrays.copyOf(no, noCount)));
            Bench.line("    false positives, filter \"maybe\" then one store read that finds nothing: %s (%.2f%%,"
                    + " the filter's model %.2f%%); %s", Bench.count(maybeCount), 100.0 * maybeCount / n,
                    100.0 * seen.modelFalsePositiveRate(), micros(Arrays.copyOf(maybe, maybeCount)));
        }
    }

    /** For comparison: a filter sized for every URL of this run, fed the same URLs, probed with the same unseen. */
    private void compareSizedForAll() {
        if (urls <= settings.seenExpectedEntries()) {
            return;
        }
        final BloomFilter sized = new BloomFilter(urls, settings.seenFalsePositiveRate());
        for (long i = 0; i < urls; i++) {
            sized.put(url(i));
        }
        int maybe = 0;
        for (long i = urls; i < urls + probes; i++) {
            if (sized.mightContain(url(i))) {
                maybe++;
            }
        }
        Bench.line("  for comparison, a filter sized for %s at %s: %s bytes (%s), %d hashes; false positives on the"
                + " same unseen URLs %.2f%%", Bench.count(urls), settings.seenFalsePositiveRate(),
                Bench.count(sized.sizeBytes()), Bench.mib(sized.sizeBytes()), sized.hashCount(),
                100.0 * maybe / probes);
    }

    /** What a frontier task does after a restart: one range scan of the crawl's keys into a new filter. */
    private void rebuild(KeyValueStore<String, Long> store) {
        final SeenFilter fresh = SeenFilter.approximate(settings);
        final String prefix = CrawlerStores.crawlPrefix(CRAWL_ID);
        final RunningClock.Mark began = clock.mark();
        long keys = 0;
        try (KeyValueIterator<String, Long> known = store.range(prefix, CrawlerStores.crawlEnd(CRAWL_ID))) {
            while (known.hasNext()) {
                final KeyValue<String, Long> entry = known.next();
                fresh.remember(entry.key.substring(prefix.length()));
                keys++;
            }
        }
        final long nanos = began.runningTo(clock.mark());
        Bench.line("");
        Bench.line("rebuild after a restart: %s keys scanned into a new filter in %.1f s of running time (%s)",
                Bench.count(keys), Bench.seconds(nanos), Bench.rate(keys, nanos));
    }

    private static String micros(long[] nanos) {
        if (nanos.length == 0) {
            return "n=0";
        }
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return Bench.fmt("n=%s p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.1f µs, mean %.1f µs",
                Bench.count(sorted.length), Bench.percentile(sorted, 50) / 1e3,
                Bench.percentile(sorted, 99) / 1e3, Bench.percentile(sorted, 99.9) / 1e3,
                sorted[sorted.length - 1] / 1e3, Arrays.stream(sorted).average().orElse(0) / 1e3);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

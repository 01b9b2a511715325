package io.eventline.benchmarks.crawler4j;

import edu.uci.ics.crawler4j.crawler.CrawlConfig;
import edu.uci.ics.crawler4j.crawler.CrawlController;
import edu.uci.ics.crawler4j.crawler.Page;
import edu.uci.ics.crawler4j.crawler.WebCrawler;
import edu.uci.ics.crawler4j.fetcher.PageFetcher;
import edu.uci.ics.crawler4j.robotstxt.RobotstxtConfig;
import edu.uci.ics.crawler4j.robotstxt.RobotstxtServer;
import edu.uci.ics.crawler4j.url.WebURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * crawler4j 4.4.0 over the benchmark's generated site: crawls from the seeds, follows links only to hosts of
 * {@code --domain} (site.test), and prints pages fetched, the time from the first fetched page to the last, and
 * pages per second. Host names resolve through the JVM ({@code -Djdk.net.hosts.file=FILE}), since crawler4j's
 * default DNS resolver asks {@code InetAddress}.
 *
 * <pre>
 * java -Djdk.net.hosts.file=hosts -jar crawler4j-harness.jar --seeds-file seeds.txt --threads 16 --delay-ms 0 \
 *     --max-pages 100000 --max-depth 20 --storage /tmp/c4j [--max-seconds 120] [URL ...]
 * </pre>
 */
public final class Crawl {
    private Crawl() {
    }

    public static void main(String[] args) throws Exception {
        final Options options = Options.parse(args);
        final Path storage = Path.of(options.storage);
        Files.createDirectories(storage);

        final CrawlConfig config = new CrawlConfig();
        config.setCrawlStorageFolder(storage.toString());
        config.setPolitenessDelay(options.delayMs);
        config.setMaxPagesToFetch(options.maxPages);
        config.setMaxDepthOfCrawling(options.maxDepth);
        config.setResumableCrawling(false);
        config.setIncludeBinaryContentInCrawling(false);
        config.setUserAgentString("crawler4j-bench/4.4.0");
        // the controller looks for idle threads every N seconds and waits N more twice before it ends; the
        // pages/s figure is from the first page to the last, but a shorter wait ends the run sooner
        config.setThreadMonitoringDelaySeconds(1);
        config.setThreadShutdownDelaySeconds(1);
        config.setCleanupDelaySeconds(1);

        final PageFetcher fetcher = new PageFetcher(config);
        final RobotstxtServer robots = new RobotstxtServer(new RobotstxtConfig(), fetcher);
        final CrawlController controller = new CrawlController(config, fetcher, robots);
        for (String seed : options.seeds) {
            controller.addSeed(seed);
        }

        final Counters counters = new Counters();
        final String domain = "." + options.domain;
        System.out.printf(Locale.ROOT, "crawler4j 4.4.0 (Java %s): %d seeds, threads %d, politeness delay %d ms "
                        + "(one delay for all hosts), max pages %d, max depth %d, time limit %s%n",
                Runtime.version(), options.seeds.size(), options.threads, options.delayMs, options.maxPages,
                options.maxDepth, options.maxSeconds > 0 ? options.maxSeconds + " s" : "none");
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "time-limit");
            thread.setDaemon(true);
            return thread;
        });
        final long started = System.nanoTime();
        if (options.maxSeconds > 0) {
            timer.schedule(() -> {
                counters.stoppedByLimit = true;
                controller.shutdown();
            }, options.maxSeconds, TimeUnit.SECONDS);
        }
        controller.start(() -> new Visitor(counters, domain), options.threads);
        final double wall = (System.nanoTime() - started) / 1e9;
        timer.shutdownNow();
        counters.print(wall);
    }

    /** What the crawler threads saw; shared by all of them. */
    static final class Counters {
        final LongAdder pages = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final AtomicLong firstNanos = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);
        final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        volatile boolean stoppedByLimit;

        void visited(Page page) {
            final long now = System.nanoTime();
            pages.increment();
            bytes.add(page.getContentData() == null ? 0 : page.getContentData().length);
            firstNanos.accumulateAndGet(now, Math::min);
            lastNanos.accumulateAndGet(now, Math::max);
        }

        void failed(String reason) {
            // stopping the controller closes its stores under threads still at work, which then fail
            failures.computeIfAbsent(stoppedByLimit ? "after-time-limit-" + reason : reason,
                    key -> new LongAdder()).increment();
        }

        void print(double wallSeconds) {
            final long fetched = pages.sum();
            final double seconds = fetched > 1 ? (lastNanos.get() - firstNanos.get()) / 1e9 : 0;
            final Map<String, Long> failed = new TreeMap<>();
            failures.forEach((reason, count) -> failed.put(reason, count.sum()));
            System.out.printf(Locale.ROOT, "pages fetched %d (%.1f MB), failed %s%s%n", fetched, bytes.sum() / 1e6,
                    failed.isEmpty() ? "none" : failed, stoppedByLimit ? ", stopped by the time limit" : "");
            System.out.printf(Locale.ROOT, "elapsed %.3f s from the first page to the last, %.1f s in all%n", seconds,
                    wallSeconds);
            System.out.printf(Locale.ROOT, "result pages=%d seconds=%.3f pagesPerSecond=%.1f wallSeconds=%.1f%n",
                    fetched, seconds, seconds > 0 ? fetched / seconds : 0.0, wallSeconds);
        }
    }

    /** One crawler thread: counts pages and follows links within the domain only. */
    static final class Visitor extends WebCrawler {
        private final Counters counters;
        private final String domain;

        Visitor(Counters counters, String domain) {
            this.counters = counters;
            this.domain = domain;
        }

        @Override
        public boolean shouldVisit(Page referringPage, WebURL url) {
            final String host = url.getURL().replaceFirst("^https?://", "").replaceFirst("[:/?#].*$", "")
                    .toLowerCase(Locale.ROOT);
            return host.endsWith(domain);
        }

        @Override
        public void visit(Page page) {
            counters.visited(page);
        }

        @Override
        protected void onUnexpectedStatusCode(String urlStr, int statusCode, String contentType,
                                              String description) {
            counters.failed("http-" + statusCode);
        }

        @Override
        protected void onContentFetchError(Page page) {
            counters.failed("fetch-error");
        }

        @Override
        protected void onParseError(WebURL webUrl) {
            counters.failed("parse-error");
        }

        @Override
        protected void onUnhandledException(WebURL webUrl, Throwable e) {
            counters.failed(e.getClass().getSimpleName());
        }

        @Override
        protected void onPageBiggerThanMaxSize(String urlStr, long pageSize) {
            counters.failed("too-large");
        }
    }

    /** The command line. */
    static final class Options {
        final List<String> seeds = new ArrayList<>();
        int threads = 16;
        int delayMs;
        int maxPages = 100_000;
        int maxDepth = 20;
        long maxSeconds;
        String storage;
        String domain = "site.test";

        static Options parse(String[] args) throws java.io.IOException {
            final Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                final String arg = args[i];
                if (!arg.startsWith("--")) {
                    options.seeds.add(arg);
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw usage(arg + " needs a value");
                }
                final String value = args[++i];
                switch (arg) {
                    case "--seeds-file" -> Files.readAllLines(Path.of(value)).stream().map(String::strip)
                            .filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(options.seeds::add);
                    case "--threads" -> options.threads = Integer.parseInt(value);
                    case "--delay-ms" -> options.delayMs = Integer.parseInt(value);
                    case "--max-pages" -> options.maxPages = Integer.parseInt(value);
                    case "--max-depth" -> options.maxDepth = Integer.parseInt(value);
                    case "--max-seconds" -> options.maxSeconds = Long.parseLong(value);
                    case "--storage" -> options.storage = value;
                    case "--domain" -> options.domain = value.toLowerCase(Locale.ROOT);
                    default -> throw usage("unknown option " + arg);
                }
            }
            if (options.seeds.isEmpty() || options.storage == null || options.threads < 1 || options.delayMs < 0) {
                throw usage("give seeds (URLs or --seeds-file) and --storage; --threads >= 1, --delay-ms >= 0");
            }
            return options;
        }

        private static IllegalArgumentException usage(String problem) {
            return new IllegalArgumentException(problem + "\nusage: Crawl [--seeds-file FILE] [URL ...] --storage DIR"
                    + " [--threads 16] [--delay-ms 0] [--max-pages 100000] [--max-depth 20] [--max-seconds 0]"
                    + " [--domain site.test]");
        }
    }
}

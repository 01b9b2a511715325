package io.eventline.feed.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.chat.ChatTopics;
import io.eventline.feed.FeedTopics;
import io.eventline.notify.NotifyTopics;
import io.eventline.operations.OperationTopics;
import io.eventline.ratelimit.RateLimitTopics;
import io.eventline.shorturl.ShortUrlTopics;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;

/**
 * Measures the news feed's fan-out on a broker and a Kafka Streams instance of its own, both in this JVM, with
 * the production topic layout (6 partitions) and streams settings. One scenario per run:
 *
 * <ul>
 *   <li>{@code fanout} — inserts/s of the feed against two ceilings on the same broker: plain produce and
 *       consume, and a minimal repartition-and-put topology ({@code authors=10 followers=1000 posts=200
 *       rounds=2});</li>
 *   <li>{@code latency} — post-to-visible latency for an author with {@code followers=1000} while
 *       {@code backgroundAuthors=10} others post {@code backgroundRate=2} posts/s
 *       ({@code samples=200 warmup=20 gapMillis=500});</li>
 *   <li>{@code celebrity} — seeding {@code followers=1000000} followers of one author, a post of theirs fanned
 *       out below the celebrity threshold and one written to the celebrity table above it, records written per
 *       topic, and the disk the feed's stores and changelogs take per million entries;</li>
 *   <li>{@code ops} — RocksDB operations per insert of the feed and of the minimal topology, counted by RocksDB
 *       statistics (not on during the other scenarios).</li>
 * </ul>
 *
 * <p>Run from the repository root, after {@code mvn -B -q -o install -DskipTests}:
 * <pre>{@code
 * mvn -B -q -o -pl streams-app test-compile exec:exec -Dfeed.bench.args="fanout rounds=2"
 * }</pre>
 * or {@code docs/benchmarks/feed-fanout.sh}, which runs every scenario and keeps the output.
 */
public final class FanOutBenchmark {
    private FanOutBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: FanOutBenchmark fanout|latency|celebrity|ops [name=value ...]");
            System.exit(2);
        }
        final String scenario = args[0];
        final Map<String, String> options;
        try {
            options = Bench.options(args, 1);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Bench.line("FanOutBenchmark %s %s", scenario, options);
        Bench.line("started %s; %d processors; java %s; JVM options %s", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        final long began = System.nanoTime();
        // EventlineTopology also reads the rate limiter's rules and writes chat's known users: every domain's topics
        try (BenchBroker cluster = BenchBroker.start("feed",
                Boolean.parseBoolean(options.getOrDefault("keep", "false")), ShortUrlTopics.ALL, FeedTopics.ALL,
                RateLimitTopics.ALL, OperationTopics.ALL, ChatTopics.ALL, NotifyTopics.ALL)) {
            Bench.line("broker %s, topics created with %d partitions", cluster.bootstrap(), BenchBroker.PARTITIONS);
            switch (scenario) {
                case "fanout" -> new ThroughputRun(cluster, options, false).run();
                case "latency" -> new LatencyRun(cluster, options).run();
                case "celebrity" -> new CelebrityRun(cluster, options).run();
                case "ops" -> new ThroughputRun(cluster, options, true).run();
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        }
        Bench.line("");
        Bench.line("finished %s after %.0f s", Instant.now(), Bench.seconds(System.nanoTime() - began));
        // Kafka's and RocksDB's non-daemon threads may linger after close
        System.exit(0);
    }
}

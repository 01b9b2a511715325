package io.eventline.feed.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.bench.RocksDbCounters;
import io.eventline.clients.EventProducer;
import io.eventline.feed.FeedStores;
import io.eventline.platform.EventlineConfig;
import io.eventline.streams.BoundedRocksDbConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.RocksDBConfigSetter;

/**
 * Fan-out throughput against two ceilings on the same broker, in one run: (A) plain produce and consume of the
 * same number of small records, (B) the least a fan-out must do in Kafka Streams (an insert record per follower,
 * repartitioned by follower, one put each), and the feed topology itself fanning {@code posts} posts out to
 * {@code followers} followers. Each is run {@code rounds} times; the first rounds also warm the JVM up.
 */
final class ThroughputRun {
    static final String CEILING_TOPIC = "bench.ceiling.v1";

    private final BenchBroker cluster;
    private final int authors;
    private final int followers;
    private final int posts;
    private final int rounds;
    private final long inserts;
    private final boolean counting;
    private final boolean ceilings;
    private final Class<? extends RocksDBConfigSetter> rocksDbConfig;

    /**
     * @param counting whether RocksDB counts its operations (then without ceiling A, and not for timing: the
     *                 statistics cost time)
     */
    ThroughputRun(BenchBroker cluster, Map<String, String> args, boolean counting) {
        this.cluster = cluster;
        this.counting = counting;
        this.authors = Integer.parseInt(args.getOrDefault("authors", "10"));
        this.followers = Integer.parseInt(args.getOrDefault("followers", "1000"));
        this.posts = Integer.parseInt(args.getOrDefault("posts", "200"));
        this.rounds = Integer.parseInt(args.getOrDefault("rounds", "2"));
        this.inserts = (long) posts * followers;
        this.ceilings = Boolean.parseBoolean(args.getOrDefault("ceilings", "true"));
        this.rocksDbConfig = FeedBench.rocksDbConfig(args);
    }

    private String author(int i) {
        return "author-" + String.format(Locale.ROOT, "%02d", i % authors);
    }

    void run() {
        Bench.line("Fan-out: %d authors, each followed by the same %s followers; %d posts per round (%d per author),"
                        + " so %s feed inserts per round; %d rounds of each measurement", authors,
                Bench.count(followers), posts, posts / authors, Bench.count(inserts), rounds);
        Bench.line("Insert record for ceilings A and B: key %s, value \"%s\" (%d bytes)", author(0),
                BaselineApp.insert(Audience.reader(1), 1L << 60, author(0)),
                BaselineApp.insert(Audience.reader(1), 1L << 60, author(0)).length());
        if (counting) {
            Bench.line("Counting RocksDB operations with RocksDB statistics; the rates of this run are not comparable");
        }
        Bench.line("RocksDB config: %s", FeedBench.describe(rocksDbConfig));
        final double[] ceiling = counting || !ceilings ? new double[rounds] : ceilingA();
        final double[] baseline = ceilings ? ceilingB() : new double[rounds];
        final double[] pipeline = pipeline();
        Bench.line("");
        Bench.line("== Summary (inserts/s per round)");
        for (int r = 0; r < rounds; r++) {
            if (counting) {
                Bench.line("round %d: B baseline %,.0f/s   feed %,.0f/s (with RocksDB statistics on)", r + 1,
                        baseline[r], pipeline[r]);
            } else {
                Bench.line("round %d: A produce+consume %,.0f/s   B baseline %,.0f/s   feed %,.0f/s   feed/B = %.0f %%"
                                + "   feed/A = %.0f %%", r + 1, ceiling[r], baseline[r], pipeline[r],
                        100 * pipeline[r] / baseline[r], 100 * pipeline[r] / ceiling[r]);
            }
        }
    }

    /** Plain producer (the web layer's settings) and consumer, same records, same broker. */
    private double[] ceilingA() {
        Bench.line("");
        Bench.line("== Ceiling A: produce %s records to a %d-partition topic and consume them all",
                Bench.count(inserts), BenchBroker.PARTITIONS);
        cluster.createTopic(CEILING_TOPIC);
        final double[] rates = new double[rounds];
        final Properties producerProps = EventProducer.properties(cluster.bootstrap(), "bench-ceiling");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                     ConsumerConfig.CLIENT_ID_CONFIG, "bench-ceiling"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < BenchBroker.PARTITIONS; p++) {
                partitions.add(new TopicPartition(CEILING_TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            long consumed = 0;
            for (int r = 0; r < rounds; r++) {
                final int round = r;
                final AtomicReference<Throwable> failure = new AtomicReference<>();
                final long t0 = System.nanoTime();
                final Thread sender = new Thread(() -> forEachInsert(round, (author, value) ->
                        producer.send(new ProducerRecord<>(CEILING_TOPIC, author, value), (m, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        })), "bench-ceiling-sender");
                sender.start();
                final long target = consumed + inserts;
                while (consumed < target) {
                    final ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                    consumed += batch.count();
                    if (failure.get() != null) {
                        throw new IllegalStateException("a send failed", failure.get());
                    }
                    if (System.nanoTime() - t0 > 600_000_000_000L) {
                        throw new IllegalStateException("ceiling A: consumed only " + consumed);
                    }
                }
                final long elapsed = System.nanoTime() - t0;
                join(sender);
                rates[r] = inserts / Bench.seconds(elapsed);
                Bench.line("round %d: %s records produced and consumed in %.2f s = %s", r + 1, Bench.count(inserts),
                        Bench.seconds(elapsed), Bench.rate(inserts, elapsed));
            }
        }
        return rates;
    }

    private interface InsertSink {
        void send(String author, String value);
    }

    /** Every insert of a round in post order: post i goes to every follower, keyed by its author. */
    private void forEachInsert(int round, InsertSink sink) {
        final long firstPostId = 1_000_000_000_000L * (round + 1);
        for (int i = 0; i < posts; i++) {
            final String author = author(i);
            final long postId = firstPostId + i;
            for (int f = 1; f <= followers; f++) {
                sink.send(author, BaselineApp.insert(Audience.reader(f), postId, author));
            }
        }
    }

    private double[] ceilingB() {
        Bench.line("");
        Bench.line("== Ceiling B: %s insert records keyed by author -> repartition by follower -> one put each"
                + " (persistent, caching, logged store), production streams settings", Bench.count(inserts));
        cluster.createTopic(BaselineApp.INPUT);
        final double[] rates = new double[rounds];
        final Properties producerProps = EventProducer.properties(cluster.bootstrap(), "bench-baseline-input");
        try (BaselineApp app = new BaselineApp(cluster, cluster.dir("baseline"), rocksDbConfig()).start();
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     new StringSerializer())) {
            for (int r = 0; r < rounds; r++) {
                final int round = r;
                final TreeMap<String, Long> before = cluster.endOffsets();
                final Map<String, Map<String, Long>> rocksBefore = RocksDbCounters.snapshot();
                final AtomicReference<Throwable> failure = new AtomicReference<>();
                final long target = app.written() + inserts;
                final long t0 = System.nanoTime();
                final Thread sender = new Thread(() -> forEachInsert(round, (author, value) ->
                        producer.send(new ProducerRecord<>(BaselineApp.INPUT, author, value), (m, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        })), "bench-baseline-sender");
                sender.start();
                Bench.await("baseline puts", 600_000, 2, () -> {
                    app.check();
                    if (failure.get() != null) {
                        throw new IllegalStateException("a send failed", failure.get());
                    }
                    return app.written() >= target;
                });
                final long elapsed = System.nanoTime() - t0;
                join(sender);
                rates[r] = inserts / Bench.seconds(elapsed);
                Bench.line("round %d: %s puts done %.2f s after the first send = %s", r + 1, Bench.count(inserts),
                        Bench.seconds(elapsed), Bench.rate(inserts, elapsed));
                cluster.awaitIdle(app.applicationId(), Set.of(BaselineApp.INPUT,
                        app.applicationId() + "-" + BaselineApp.REPARTITION + "-repartition"), Duration.ofMinutes(5));
                Bench.printWrites(before, cluster.endOffsets(), inserts, "insert");
                if (counting) {
                    RocksDbCounters.print(rocksBefore, RocksDbCounters.snapshot(), inserts, "insert");
                }
            }
        }
        return rates;
    }

    private double[] pipeline() {
        Bench.line("");
        Bench.line("== Feed topology: %d posts per round by %d authors with %s followers each, production streams"
                + " settings (EventlineTopology, %d stream threads)", posts, authors, Bench.count(followers), 2);
        final double[] rates = new double[rounds];
        final Audience audience = new Audience(followers);
        try (FeedApp app = new FeedApp(cluster, cluster.dir("feed"), EventlineConfig.load(Map.of()).feed()
                .celebrityThreshold(), rocksDbConfig()).start();
             Traffic traffic = new Traffic(cluster, "bench-web", Duration.ofMillis(1));
             OutcomeWatcher outcomes = new OutcomeWatcher(cluster)) {
            final long seedStart = System.nanoTime();
            final List<CompletableFuture<OutcomeWatcher.Arrival>> profiles = new ArrayList<>();
            for (int a = 0; a < authors; a++) {
                final String eventId = traffic.nextEventId();
                profiles.add(outcomes.watch(eventId));
                traffic.profile(author(a), eventId);
            }
            profiles.forEach(p -> OutcomeWatcher.await(p, Duration.ofSeconds(60)));
            for (int a = 0; a < authors; a++) {
                traffic.followAll(audience, author(a));
            }
            traffic.flush();
            for (int a = 0; a < authors; a++) {
                final String author = author(a);
                Bench.await("followers of " + author, 300_000, 100, () -> app.followers(author) == followers);
            }
            cluster.awaitIdle(app.applicationId(), FeedApp.INPUTS, Duration.ofMinutes(5));
            Bench.line("seeded %s follows in %.1f s (profiles, follows, until the consumer group was idle)",
                    Bench.count((long) authors * followers), Bench.seconds(System.nanoTime() - seedStart));

            for (int r = 0; r < rounds; r++) {
                final long expected = (long) posts * (r + 1);
                final TreeMap<String, Long> before = cluster.endOffsets();
                final Map<String, Map<String, Long>> rocksBefore = RocksDbCounters.snapshot();
                final long t0 = System.nanoTime();
                for (int i = 0; i < posts; i++) {
                    traffic.post(author(i), traffic.nextPostId());
                }
                final long sent = System.nanoTime();
                Bench.await("fan-out of round " + (r + 1), 600_000, 2, () -> {
                    app.check();
                    return audience.lasts().stream().allMatch(f -> app.feedSize(f) >= expected);
                });
                final long elapsed = System.nanoTime() - t0;
                traffic.flush();
                final int missing = audience.missing(i -> app.feedSize(audience.follower(i)) == expected);
                rates[r] = inserts / Bench.seconds(elapsed);
                Bench.line("round %d: %s inserts in every follower's feed %.2f s after the first post was sent"
                                + " (all %d posts sent in %.0f ms) = %s; followers whose feed size is not %d: %d",
                        r + 1, Bench.count(inserts), Bench.seconds(elapsed), posts, Bench.millis(sent - t0),
                        Bench.rate(inserts, elapsed), expected, missing);
                cluster.awaitIdle(app.applicationId(), FeedApp.INPUTS, Duration.ofMinutes(5));
                Bench.printWrites(before, cluster.endOffsets(), inserts, "insert");
                if (counting) {
                    RocksDbCounters.print(rocksBefore, RocksDbCounters.snapshot(), inserts, "insert");
                }
            }
            Bench.line("feed-store estimate-num-keys %s, feed-sizes-store %s", Bench.count(app.rocksDbMetric(
                    FeedStores.FEED, "estimate-num-keys")), Bench.count(app.rocksDbMetric(FeedStores.FEED_SIZES,
                    "estimate-num-keys")));
        }
        return rates;
    }

    private Class<? extends RocksDBConfigSetter> rocksDbConfig() {
        if (counting) {
            RocksDbCounters.delegateTo(rocksDbConfig == null ? BoundedRocksDbConfig.class : rocksDbConfig);
            return RocksDbCounters.class;
        }
        return rocksDbConfig;
    }
    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

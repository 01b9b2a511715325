package io.eventline.ratelimit.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.bench.RocksDbCounters;
import io.eventline.bench.ThreadCpu;
import io.eventline.bench.TopicReader;
import io.eventline.clients.EventProducer;
import io.eventline.feed.FeedTopics;
import io.eventline.operations.OperationTopics;
import io.eventline.ratelimit.RateLimitCheckRequested;
import io.eventline.ratelimit.RateLimitCode;
import io.eventline.ratelimit.RateLimitDecision;
import io.eventline.ratelimit.RateLimitKeys;
import io.eventline.ratelimit.RateLimitTopics;
import io.eventline.shorturl.ShortUrlTopics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Rate-limit decisions per second through Kafka Streams on this machine, end to end: checks produced as the web
 * layer produces them ({@link EventProducer}: idempotent, {@code acks=all}, lz4, linger 1 ms), decided by the real
 * topology on an embedded broker of this JVM, and decisions read back from {@code ratelimit.decisions.v1} as the
 * web layer's reply listener reads them. Scenarios:
 *
 * <ul>
 *   <li>{@code throughput} — {@code checks=200000} checks sent at once over {@code counters=10000,10} counters
 *       (one variant per count), timed from the first send until the last decision was read, {@code rounds=2}
 *       rounds each; beside it three ceilings on the same broker with the same records: (A) produce and consume,
 *       (B) a Kafka Streams pass-through, (C) Kafka Streams with one get and one put per record in a logged store
 *       without cache. The rule is {@code algorithm=token_bucket} with {@code limit=1000000000} per second, so
 *       every check is admitted and writes its counter (the heavier path). {@code topology=eventline} runs the
 *       whole topology as an instance does, {@code topology=ratelimit} only the limiter's;
 *       {@code rocksdbStats=true} counts what reaches RocksDB per check (and slows it down);</li>
 *   <li>{@code latency} — checks at fixed rates ({@code rates=100,1000,3000}, open loop, {@code seconds=20} measured
 *       after {@code warmup=10} seconds, all after {@code jvmWarmup=30} seconds at 1,000/s), latency from each
 *       check's scheduled send time to its answer being read: produced and consumed (A), through the
 *       pass-through (B) and through the limiter.</li>
 * </ul>
 *
 * <p>Run from the repository root, after {@code mvn -B -q -o install -DskipTests}:
 * <pre>{@code
 * MAVEN_OPTS="-Xms64m -Xmx1g -XX:MaxDirectMemorySize=256m -XX:+UseSerialGC" mvn -B -q -o -pl streams-app \
 *   test-compile exec:java -Dexec.mainClass=io.eventline.ratelimit.bench.DecisionThroughputBenchmark \
 *   -Dexec.classpathScope=test -Dratelimit.bench.args="throughput"
 * }</pre>
 * or {@code docs/benchmarks/ratelimit-stream.sh}, which keeps the output.
 */
public final class DecisionThroughputBenchmark {
    private static final int MAX_IN_FLIGHT = 20_000;

    private final BenchBroker broker;
    private final Map<String, String> options;

    private DecisionThroughputBenchmark(BenchBroker broker, Map<String, String> options) {
        this.broker = broker;
        this.options = options;
    }

    public static void main(String[] commandLine) {
        // exec:java hands this module's exec:exec command line over as arguments: the property, if set, wins
        final String property = System.getProperty("ratelimit.bench.args");
        final String[] args = property != null ? property.trim().split("\\s+") : commandLine;
        if (args.length == 0) {
            System.err.println("usage: DecisionThroughputBenchmark throughput|latency [name=value ...]");
            System.exit(2);
        }
        final Map<String, String> options = Bench.options(args, 1);
        Bench.line("DecisionThroughputBenchmark %s %s", args[0], options);
        Bench.line("started %s; %d processors; java %s; JVM options %s", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        final long began = System.nanoTime();
        int status = 0;
        try (BenchBroker broker = BenchBroker.start("ratelimit", false, ShortUrlTopics.ALL, FeedTopics.ALL, RateLimitTopics.ALL,
                OperationTopics.ALL)) {
            Bench.line("broker %s, topics created with %d partitions", broker.bootstrap(), BenchBroker.PARTITIONS);
            final DecisionThroughputBenchmark bench = new DecisionThroughputBenchmark(broker, options);
            switch (args[0]) {
                case "throughput" -> bench.throughput();
                case "latency" -> bench.latency();
                default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
            }
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            status = 1;
        }
        Bench.line("");
        Bench.line("finished %s after %.0f s", Instant.now(), Bench.seconds(System.nanoTime() - began));
        // Kafka's and RocksDB's non-daemon threads may linger after close
        System.exit(status);
    }

    private int integer(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private int[] integers(String name, String fallback) {
        return Arrays.stream(options.getOrDefault(name, fallback).split(",")).mapToInt(Integer::parseInt).toArray();
    }

    // ---------------------------------------------------------------- throughput

    private void throughput() {
        final int checks = integer("checks", 200_000);
        final int rounds = integer("rounds", 2);
        final int[] counterCounts = integers("counters", "10000,10");
        final String algorithm = options.getOrDefault("algorithm", "token_bucket");
        final long limit = Long.parseLong(options.getOrDefault("limit", "1000000000"));
        final String topology = options.getOrDefault("topology", "eventline");
        final boolean ceilings = Boolean.parseBoolean(options.getOrDefault("ceilings", "true"));
        final boolean rocksDbStats = Boolean.parseBoolean(options.getOrDefault("rocksdbStats", "false"));
        Bench.line("Throughput: %,d checks per round, each [endpoint=%s, user=user-<i mod counters>] in domain %s;"
                + " %d rounds per measurement", checks, Checks.ENDPOINT, Checks.DOMAIN, rounds);
        final RateLimitCheckRequested sample = Checks.check("1234567890123456789", Checks.DOMAIN,
                Checks.postsBy("user-1234"), Instant.now());
        Bench.line("a check: key %d bytes, value %d bytes (Avro, Confluent wire format)",
                RateLimitKeys.counterKey(sample).length(), broker.serdes().of(RateLimitCheckRequested.class)
                        .serializer().serialize(RateLimitTopics.CHECKS.name(), sample).length);
        final Map<String, double[]> results = new java.util.LinkedHashMap<>();
        if (ceilings) {
            results.put("A produce+consume", ceilingA(checks, counterCounts[0], rounds));
            results.put("B streams pass-through", ceilingStreams("B", checks, counterCounts[0], rounds, false));
            results.put("C streams get+put+forward", ceilingStreams("C", checks, counterCounts[0], rounds, true));
        }
        Bench.line("");
        Bench.line("== Rate limiter: %s topology, rule %s %,d/s per user, every check admitted%s", topology, algorithm,
                limit, rocksDbStats ? "; RocksDB statistics on (they cost time: these rates are not comparable)" : "");
        try (StreamsUnderTest app = (topology.equals("ratelimit") ? StreamsUnderTest.rateLimitOnly(broker,
                rocksDbStats) : StreamsUnderTest.eventline(broker, rocksDbStats)).start();
             EventProducer producer = new EventProducer(broker.bootstrap(), "bench-web", broker.serdes().registry())) {
            Checks.publish(producer, broker, Checks.parse(Checks.DOMAIN, Checks.postsRule(algorithm, limit)),
                    Checks.postsBy("probe"));
            final LongAdder admitted = new LongAdder();
            final LongAdder limited = new LongAdder();
            try (TopicReader<RateLimitDecision> decisions = TopicReader.latest(broker, RateLimitTopics.DECISIONS.name(),
                    broker.serdes().of(RateLimitDecision.class).deserializer(), (decision, nanos) ->
                    (decision.getCode() == RateLimitCode.OK ? admitted : limited).increment())) {
                for (int counters : counterCounts) {
                    final double[] rates = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        final String run = "c" + counters + "r" + r;
                        final long admittedBefore = admitted.sum();
                        final long limitedBefore = limited.sum();
                        final TreeMap<String, Long> before = broker.endOffsets();
                        final Map<String, Map<String, Long>> rocksBefore = RocksDbCounters.snapshot();
                        final long elapsed = round(checks, decisions, i -> producer.send(RateLimitTopics.CHECKS, Checks.check(
                                run + "-" + i, Checks.DOMAIN, Checks.postsBy("user-" + (i % counters)),
                                Instant.now())), app);
                        rates[r] = checks / Bench.seconds(elapsed);
                        Bench.line("%,d counters, round %d: %,d decisions read %.2f s after the first send = %s"
                                        + " (admitted %,d, over the limit %,d)", counters, r + 1, checks,
                                Bench.seconds(elapsed), Bench.rate(checks, elapsed), admitted.sum() - admittedBefore,
                                limited.sum() - limitedBefore);
                        broker.awaitIdle(app.applicationId(), Set.of(RateLimitTopics.CHECKS.name()),
                                Duration.ofMinutes(5));
                        Bench.printWrites(before, broker.endOffsets(), checks, "check");
                        if (rocksDbStats) {
                            RocksDbCounters.print(rocksBefore, RocksDbCounters.snapshot(), checks, "check");
                        }
                    }
                    results.put(Bench.fmt("limiter, %,d counters", counters), rates);
                }
            }
        }
        Bench.line("");
        Bench.line("== Summary (checks/s per round)");
        results.forEach((name, rates) -> Bench.line("%-28s %s", name, Arrays.stream(rates)
                .mapToObj(rate -> Bench.fmt("%,10.0f/s", rate)).reduce("", String::concat)));
    }

    /** Ceiling A: the same records produced and consumed, nothing in between. */
    private double[] ceilingA(int checks, int counters, int rounds) {
        Bench.line("");
        Bench.line("== Ceiling A: produce %,d checks to a %d-partition topic and consume them (deserialized) as they"
                + " arrive", checks, BenchBroker.PARTITIONS);
        final String topic = "bench.a.checks.v1";
        broker.createTopic(topic);
        final double[] rates = new double[rounds];
        try (KafkaProducer<String, RateLimitCheckRequested> producer = ceilingProducer("bench-ceiling-a");
             TopicReader<RateLimitCheckRequested> consumed = TopicReader.latest(broker, topic,
                     checkDeserializer(), (check, nanos) -> { })) {
            for (int r = 0; r < rounds; r++) {
                final String run = "a" + r;
                final long elapsed = round(checks, consumed, i -> sendCeiling(producer, topic, Checks.check(
                        run + "-" + i, Checks.DOMAIN, Checks.postsBy("user-" + (i % counters)), Instant.now())), null);
                rates[r] = checks / Bench.seconds(elapsed);
                Bench.line("round %d: %,d checks produced and consumed in %.2f s = %s", r + 1, checks,
                        Bench.seconds(elapsed), Bench.rate(checks, elapsed));
            }
        }
        return rates;
    }

    /** Ceiling B (pass-through) or C (get, put, forward): in Kafka Streams, checks in and out again. */
    private double[] ceilingStreams(String name, int checks, int counters, int rounds, boolean getPut) {
        Bench.line("");
        Bench.line(getPut ? "== Ceiling C: Kafka Streams, per check one get and one put of its counter key in a"
                + " persistent, logged store without cache, then the check forwarded to an output topic"
                : "== Ceiling B: Kafka Streams, every check copied to an output topic (no state)");
        final String in = "bench." + name.toLowerCase(java.util.Locale.ROOT) + ".checks.v1";
        final String outTopic = "bench." + name.toLowerCase(java.util.Locale.ROOT) + ".answers.v1";
        broker.createTopic(in);
        broker.createTopic(outTopic);
        final double[] rates = new double[rounds];
        try (StreamsUnderTest app = (getPut ? StreamsUnderTest.getPutForward(broker, in, outTopic)
                : StreamsUnderTest.passThrough(broker, in, outTopic)).start();
             KafkaProducer<String, RateLimitCheckRequested> producer = ceilingProducer("bench-ceiling-" + name);
             TopicReader<RateLimitCheckRequested> out = TopicReader.latest(broker, outTopic,
                     checkDeserializer(), (check, nanos) -> { })) {
            for (int r = 0; r < rounds; r++) {
                final String run = name + r;
                final TreeMap<String, Long> before = broker.endOffsets();
                final long elapsed = round(checks, out, i -> sendCeiling(producer, in, Checks.check(run + "-" + i,
                        Checks.DOMAIN, Checks.postsBy("user-" + (i % counters)), Instant.now())), app);
                rates[r] = checks / Bench.seconds(elapsed);
                Bench.line("round %d: %,d checks out %.2f s after the first send = %s", r + 1, checks,
                        Bench.seconds(elapsed), Bench.rate(checks, elapsed));
                broker.awaitIdle(app.applicationId(), Set.of(in), Duration.ofMinutes(5));
                Bench.printWrites(before, broker.endOffsets(), checks, "check");
            }
        }
        return rates;
    }

    /**
     * Sends {@code checks} records from a thread of its own (at most {@value #MAX_IN_FLIGHT} unacknowledged) and
     * returns the nanoseconds from the first send until {@code out} has read as many more records.
     */
    private static long round(int checks, TopicReader<?> out, LongFunction<CompletableFuture<?>> send,
                              StreamsUnderTest app) {
        final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final ThreadCpu cpu = ThreadCpu.start();
        final long target = out.count() + checks;
        final long t0 = System.nanoTime();
        final long[] sentAt = new long[2];
        final Thread sender = new Thread(() -> {
            for (long i = 0; i < checks && failure.get() == null; i++) {
                inFlight.acquireUninterruptibly();
                send.apply(i).whenComplete((m, e) -> {
                    inFlight.release();
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            inFlight.acquireUninterruptibly(MAX_IN_FLIGHT);
            sentAt[0] = System.nanoTime();
            sentAt[1] = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }, "bench-sender");
        sender.start();
        Bench.await("the outputs of the round", 600_000, 1, () -> {
            if (app != null) {
                app.check();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a send failed", failure.get());
            }
            return out.count() >= target;
        });
        final long elapsed = System.nanoTime() - t0;
        try {
            sender.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Bench.line("    all %,d sends acknowledged %.2f s after the first", checks, Bench.seconds(sentAt[0] - t0));
        cpu.print(checks, "check", "bench-sender (builds and sends the checks)", sentAt[1]);
        return elapsed;
    }

    private KafkaProducer<String, RateLimitCheckRequested> ceilingProducer(String clientId) {
        return new KafkaProducer<>(EventProducer.properties(broker.bootstrap(), clientId), new StringSerializer(),
                broker.serdes().of(RateLimitCheckRequested.class).serializer());
    }

    private Deserializer<RateLimitCheckRequested> checkDeserializer() {
        return broker.serdes().of(RateLimitCheckRequested.class).deserializer();
    }

    private static CompletableFuture<?> sendCeiling(KafkaProducer<String, RateLimitCheckRequested> producer,
                                                    String topic, RateLimitCheckRequested check) {
        final CompletableFuture<Object> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, RateLimitKeys.counterKey(check), check),
                (metadata, error) -> {
                    if (error != null) {
                        acked.completeExceptionally(error);
                    } else {
                        acked.complete(metadata);
                    }
                });
        return acked;
    }
    // ---------------------------------------------------------------- latency

    private void latency() {
        final int[] rates = integers("rates", "100,1000,3000");
        final int seconds = integer("seconds", 20);
        final int warmup = integer("warmup", 10);
        final int counters = integer("counters", 10_000);
        Bench.line("Latency: checks at fixed rates over %,d counters, open loop; latency from each check's scheduled"
                + " send time until its answer was read; %d s measured after %d s of warm-up per rate", counters,
                seconds, warmup);
        Bench.line("");
        Bench.line("== Ceiling A: produce and consume, nothing in between");
        final String direct = "bench.a.checks.v1";
        broker.createTopic(direct);
        try (KafkaProducer<String, RateLimitCheckRequested> producer = ceilingProducer("bench-ceiling-a")) {
            final int jvmWarmup = integer("jvmWarmup", 30);
            Bench.line("(first %d s at 1,000/s, not measured: the JVM's compilers warm up)", jvmWarmup);
            fixedRate("produce+consume", 1000, 0, jvmWarmup, null, direct, checkDeserializer(),
                    RateLimitCheckRequested::getCheckId, i -> sendCeiling(producer, direct, Checks.check("aw-" + i,
                            Checks.DOMAIN, Checks.postsBy("user-" + (i % counters)), Instant.now())));
            for (int rate : rates) {
                fixedRate("produce+consume", rate, seconds, warmup, null, direct, checkDeserializer(),
                        RateLimitCheckRequested::getCheckId, i -> sendCeiling(producer, direct, Checks.check(
                                "a" + rate + "-" + i, Checks.DOMAIN, Checks.postsBy("user-" + (i % counters)),
                                Instant.now())));
            }
        }
        Bench.line("");
        Bench.line("== Ceiling B: Kafka Streams pass-through");
        final String in = "bench.b.checks.v1";
        final String out = "bench.b.answers.v1";
        broker.createTopic(in);
        broker.createTopic(out);
        try (StreamsUnderTest app = StreamsUnderTest.passThrough(broker, in, out).start();
             KafkaProducer<String, RateLimitCheckRequested> producer = ceilingProducer("bench-ceiling-b")) {
            final int jvmWarmup = integer("jvmWarmup", 30);
            Bench.line("(first %d s at 1,000/s, not measured: the JVM's compilers warm up)", jvmWarmup);
            fixedRate("pass-through", 1000, 0, jvmWarmup, app, out, checkDeserializer(),
                    RateLimitCheckRequested::getCheckId, i -> sendCeiling(producer, in, Checks.check("bw-" + i,
                            Checks.DOMAIN, Checks.postsBy("user-" + (i % counters)), Instant.now())));
            for (int rate : rates) {
                fixedRate("pass-through", rate, seconds, warmup, app, out,
                        checkDeserializer(), RateLimitCheckRequested::getCheckId,
                        i -> sendCeiling(producer, in, Checks.check("b" + rate + "-" + i, Checks.DOMAIN,
                                Checks.postsBy("user-" + (i % counters)), Instant.now())));
            }
        }
        Bench.line("");
        Bench.line("== Rate limiter: eventline topology, rule token_bucket 1,000,000,000/s per user");
        try (StreamsUnderTest app = StreamsUnderTest.eventline(broker).start();
             EventProducer producer = new EventProducer(broker.bootstrap(), "bench-web", broker.serdes().registry())) {
            Checks.publish(producer, broker, Checks.parse(Checks.DOMAIN, Checks.postsRule("token_bucket",
                    1_000_000_000L)), Checks.postsBy("probe"));
            final int jvmWarmup = integer("jvmWarmup", 30);
            Bench.line("(first %d s at 1,000/s, not measured: the JVM's compilers warm up)", jvmWarmup);
            fixedRate("limiter", 1000, 0, jvmWarmup, app, RateLimitTopics.DECISIONS.name(),
                    broker.serdes().of(RateLimitDecision.class).deserializer(), RateLimitDecision::getCheckId,
                    i -> producer.send(RateLimitTopics.CHECKS, Checks.check("lw-" + i, Checks.DOMAIN, Checks.postsBy("user-" + (i % counters)),
                            Instant.now())));
            for (int rate : rates) {
                fixedRate("limiter", rate, seconds, warmup, app, RateLimitTopics.DECISIONS.name(),
                        broker.serdes().of(RateLimitDecision.class).deserializer(), RateLimitDecision::getCheckId,
                        i -> producer.send(RateLimitTopics.CHECKS, Checks.check("l" + rate + "-" + i, Checks.DOMAIN,
                                Checks.postsBy("user-" + (i % counters)), Instant.now())));
            }
        }
    }

    private <V> void fixedRate(String what, int rate, int seconds, int warmup, StreamsUnderTest app, String topic,
                               Deserializer<V> values, java.util.function.Function<V, String> checkIdOf,
                               LongFunction<CompletableFuture<?>> send) {
        final int total = rate * (seconds + warmup);
        final int first = rate * warmup;
        final long periodNanos = 1_000_000_000L / rate;
        final long[] due = new long[total];
        final long[] latency = new long[total];
        Arrays.fill(latency, -1);
        final BiConsumer<V, Long> arrived = (value, nanos) -> {
            final String id = checkIdOf.apply(value);
            final int i = Integer.parseInt(id.substring(id.indexOf('-') + 1, id.indexOf('#')));
            latency[i] = nanos - due[i];
        };
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        long lagMax = 0;
        try (TopicReader<V> out = TopicReader.latest(broker, topic, values, arrived)) {
            final long target = out.count() + total;
            final long start = System.nanoTime() + 100_000_000L;
            for (int i = 0; i < total; i++) {
                due[i] = start + i * periodNanos;
                long wait;
                while ((wait = due[i] - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                lagMax = Math.max(lagMax, System.nanoTime() - due[i]);
                send.apply(i).whenComplete((m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                if (failure.get() != null) {
                    throw new IllegalStateException("a send failed", failure.get());
                }
            }
            Bench.await("the last answers", 60_000, 5, () -> {
                if (app != null) {
                    app.check();
                }
                return out.count() >= target;
            });
        }
        if (first == total) {
            return;
        }
        final long[] measured = Arrays.copyOfRange(latency, first, total);
        final long missing = Arrays.stream(measured).filter(l -> l < 0).count();
        Bench.line("%s at %,d/s: %s (send lag max %.1f ms%s)", what, rate,
                Bench.distribution(Arrays.stream(measured).filter(l -> l >= 0).toArray()), Bench.millis(lagMax),
                missing > 0 ? Bench.fmt(", %d answers missing", missing) : "");
        // per 5 s of the measured part, to show stalls
        final StringBuilder windows = new StringBuilder("    p99 per 5 s:");
        for (int from = first; from < total; from += 5 * rate) {
            final long[] window = Arrays.stream(Arrays.copyOfRange(latency, from, Math.min(total, from + 5 * rate)))
                    .filter(l -> l >= 0).sorted().toArray();
            windows.append(Bench.fmt(" %.1f", Bench.millis(Bench.percentile(window, 99))));
        }
        Bench.line("%s ms", windows);
    }
}

package io.eventline.notify.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.TopicReader;
import io.eventline.notify.InboxEntry;
import io.eventline.notify.NotificationDeadLettered;
import io.eventline.notify.NotificationDelivery;
import io.eventline.notify.NotificationRequested;
import io.eventline.notify.NotifyTopics;
import io.eventline.notify.NotifyTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Notifications per second through de-duplication, rendering and routing: the real {@link NotifyTopology} under
 * exactly-once on an embedded broker of this JVM ({@link NotifyRig}). {@code users=5000} users with one push device
 * each (iOS and Android alternating, so both provider topics are written) are registered first. Each round then
 * sends {@code requests=30000} {@code new-follower} requests for {@code channels=push,inapp} to random users as fast
 * as the producer takes them, a {@code duplicates=0.2} share of them re-sending an earlier request of the round
 * (same eventId and userId). The round is timed from the first send until the last distinct delivery has been read,
 * {@code read_committed}, from the provider topics; then it waits until the topology has counted every request
 * and checks that no deliveryId came out twice. A first round of {@code warmup=10000} requests is not reported
 * (the JVM's compilers); then {@code rounds=1} measured rounds on the same broker and topology.
 *
 * <p>Run from the repository root, after {@code mvn -B -q -o install -DskipTests}, or through
 * {@code docs/benchmarks/notify-throughput.sh}, which keeps the output:
 * <pre>{@code
 * MAVEN_OPTS="-Xms64m -Xmx1g -XX:MaxDirectMemorySize=256m -XX:+UseSerialGC" mvn -B -q -o -pl streams-app \
 *   test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.eventline.notify.bench.NotifyThroughputBenchmark -Dnotify.bench.args="requests=30000"
 * }</pre>
 */
public final class NotifyThroughputBenchmark {
    private static final int MAX_IN_FLIGHT = 20_000;

    private final NotifyRig rig;
    private final Map<String, String> options;

    private NotifyThroughputBenchmark(NotifyRig rig, Map<String, String> options) {
        this.rig = rig;
        this.options = options;
    }

    public static void main(String[] commandLine) {
        NotifyRig.main("NotifyThroughputBenchmark", commandLine, (rig, options) -> new NotifyThroughputBenchmark(rig, options).run());
    }

    private void run() {
        final int requests = Integer.parseInt(options.getOrDefault("requests", "30000"));
        final int warmup = Integer.parseInt(options.getOrDefault("warmup", "10000"));
        final int users = Integer.parseInt(options.getOrDefault("users", "5000"));
        final double duplicates = Double.parseDouble(options.getOrDefault("duplicates", "0.2"));
        final int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
        final List<String> channels = List.of(options.getOrDefault("channels", "push,inapp").split(","));
        final Random random = new Random(Long.parseLong(options.getOrDefault("seed", "42")));

        final long setup = System.nanoTime();
        rig.seedTemplates();
        rig.startTopology(rig.devices(users));
        Bench.line("setup: default templates seeded, %,d users with one push device each registered"
                + " (DEVICE_SET, answered) in %.1f s", users, Bench.seconds(System.nanoTime() - setup));
        Bench.line("each round: %,d requests of template %s for channels %s to random users, about %.0f %%"
                + " of them re-sent duplicates of an earlier request of the round (same eventId and userId)",
                requests, NotifyTopology.NEW_FOLLOWER, channels, duplicates * 100);

        final AtomicReference<Round> current = new AtomicReference<>(new Round("setup-"));
        try (TopicReader<NotificationDelivery> deliveries = TopicReader.committed(rig.bootstrap(),
                rig.partitions(), List.of(NotifyTopics.APNS.name(), NotifyTopics.FCM.name(), NotifyTopics.EMAIL.name(),
                NotifyTopics.SMS.name()), rig.serdes().of(NotificationDelivery.class).deserializer(),
                (delivery, nanos) -> current.get().delivered(delivery, nanos));
             TopicReader<InboxEntry> inapp = TopicReader.committed(rig.bootstrap(), rig.partitions(),
                     List.of(NotifyTopics.INAPP.name()), rig.serdes().of(InboxEntry.class).deserializer(),
                     (entry, nanos) -> current.get().inapp.increment());
             TopicReader<NotificationDeadLettered> dead = TopicReader.committed(rig.bootstrap(), rig.partitions(),
                     List.of(NotifyTopics.DEAD_LETTERS.name()),
                     rig.serdes().of(NotificationDeadLettered.class).deserializer(),
                     (letter, nanos) -> current.get().deadLetters.increment())) {
            final List<double[]> results = new ArrayList<>();
            if (warmup > 0) {
                final Round round = new Round("w-");
                current.set(round);
                Bench.line("");
                Bench.line("== Warm-up round (the JVM's compilers, the stores' first segments), not in the summary");
                round(0, round, warmup, users, duplicates, channels, random);
            }
            for (int r = 1; r <= rounds; r++) {
                final Round round = new Round("r" + r + "-");
                current.set(round);
                results.add(round(r, round, requests, users, duplicates, channels, random));
            }
            Bench.line("");
            Bench.line("== Summary");
            Bench.line("%-7s %10s %10s %10s %10s %9s %9s %12s", "round", "requests", "input/s", "dup in",
                    "dup out", "distinct", "elapsed", "notif./s");
            for (int r = 0; r < results.size(); r++) {
                final double[] x = results.get(r);
                Bench.line("%-7d %,10.0f %,10.0f %9.1f%% %10.0f %,9.0f %8.2fs %,12.0f", r + 1, x[0], x[1], x[2],
                        x[3], x[4], x[5], x[6]);
            }
            Bench.line("notifications/s over the rounds: %s", Arrays.toString(results.stream()
                    .mapToLong(x -> Math.round(x[6])).toArray()));
        }
    }

    /** Sends one round and reports it; returns requests, input/s, duplicate %, duplicates out, distinct, s, rate. */
    private double[] round(int number, Round round, int requests, int users, double duplicateShare,
                           List<String> channels, Random random) {
        // the plan first, so the timed part only sends: a new request, or the index of the one it repeats
        final int[] userOf = new int[requests];
        final int[] repeats = new int[requests];
        int distinct = 0;
        for (int i = 0; i < requests; i++) {
            if (distinct > 0 && random.nextDouble() < duplicateShare) {
                repeats[i] = random.nextInt(distinct);
            } else {
                repeats[i] = -1;
                userOf[distinct++] = random.nextInt(users);
            }
        }
        final int duplicates = requests - distinct;
        final Map<String, Long> offsetsBefore = rig.endOffsets();
        final double requestedBefore = rig.notifyTotal("all", "requested");
        final double droppedBefore = rig.notifyTotal("all", "duplicate");
        Bench.line("");
        Bench.line("== Round %d: %,d requests; load average %s", number, requests, Bench.loadAverage());

        final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicLong lastAck = new AtomicLong();
        final long t0 = System.nanoTime();
        int next = 0;
        for (int i = 0; i < requests; i++) {
            final int id = repeats[i] < 0 ? next++ : repeats[i];
            inFlight.acquireUninterruptibly();
            rig.producer().send(NotifyTopics.REQUESTS, request(round.prefix + "e" + id, NotifyRig.user(userOf[id]), channels))
                    .whenComplete((metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                        lastAck.accumulateAndGet(System.nanoTime(), Math::max);
                        inFlight.release();
                    });
            if (failure.get() != null) {
                throw new IllegalStateException("a send failed", failure.get());
            }
        }
        final long sentAt = System.nanoTime();
        inFlight.acquireUninterruptibly(MAX_IN_FLIGHT);
        inFlight.release(MAX_IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("a send failed", failure.get());
        }
        final long acked = lastAck.get() - t0;
        Bench.line("sent %,d requests (%,d distinct, %,d duplicates = %.1f %%): handed to the producer in %.2f s,"
                        + " all acknowledged %.2f s after the first = %s", requests, distinct, duplicates,
                100.0 * duplicates / requests, Bench.seconds(sentAt - t0), Bench.seconds(acked),
                Bench.rate(requests, acked));

        final int expected = distinct;
        final double commitsBefore = rig.threadMetric("commit-total");
        // a line every 5 s, to show whether output flows steadily or stalls
        final long[] nextLine = {t0 + 5_000_000_000L};
        rig.await("the round's " + expected + " distinct deliveries", Duration.ofMinutes(3), () -> {
            final long now = System.nanoTime();
            if (now >= nextLine[0]) {
                Bench.line("    +%2.0f s: topology counted %,.0f requests, %,d distinct deliveries read",
                        Bench.seconds(now - t0), rig.notifyTotal("all", "requested") - requestedBefore,
                        round.distinct());
                nextLine[0] += 5_000_000_000L;
            }
            return round.distinct() >= expected;
        });
        final long elapsed = round.last.get() - t0;
        // every request counted by the topology, then ten commit intervals more for late (duplicate) output
        rig.await("the topology to count " + requests + " requests", Duration.ofMinutes(1),
                () -> rig.notifyTotal("all", "requested") - requestedBefore >= requests);
        Bench.sleep(1_000);
        final long records = round.records.sum();
        final long sharing = records - round.distinct();
        Bench.line("read_committed from the provider topics: %,d deliveries, %,d distinct deliveryIds,"
                        + " %,d sharing a deliveryId; in-app entries %,d; dead letters %,d", records,
                round.distinct(), sharing, round.inapp.sum(), round.deadLetters.sum());
        Bench.line("topology counted %,.0f requests, %,.0f dropped as duplicates", rig.notifyTotal("all",
                "requested") - requestedBefore, rig.notifyTotal("all", "duplicate") - droppedBefore);
        Bench.line("offsets written per topic in the round (records plus transaction markers):");
        Bench.printWrites(offsetsBefore, rig.endOffsets(), requests, "request");
        Bench.line("stream thread: %,.0f commits in the round, commit latency avg %.1f ms (last 30 s)",
                rig.threadMetric("commit-total") - commitsBefore, rig.threadMetric("commit-latency-avg"));
        Bench.line("last distinct delivery read %.2f s after the first send: %s notifications (distinct"
                + " deliveries) per second; %s requests per second", Bench.seconds(elapsed),
                Bench.rate(round.distinct(), elapsed), Bench.rate(requests, elapsed));
        return new double[] {requests, requests / Bench.seconds(acked), 100.0 * duplicates / requests, sharing,
                round.distinct(), Bench.seconds(elapsed), round.distinct() / Bench.seconds(elapsed)};
    }
    private static NotificationRequested request(String eventId, String userId, List<String> channels) {
        return NotificationRequested.newBuilder().setEventId(eventId).setUserId(userId)
                .setTemplate(NotifyTopology.NEW_FOLLOWER).setParams(Map.of("follower", "follower-of-" + userId))
                .setChannels(channels).setCreatedAt(Instant.now()).setRequestedBy("bench").build();
    }

    /** What one round has read so far; deliveries of other rounds (by eventId prefix) are ignored. */
    private static final class Round {
        private final String prefix;
        private final Map<String, Integer> byDeliveryId = new ConcurrentHashMap<>();
        private final LongAdder records = new LongAdder();
        private final LongAdder inapp = new LongAdder();
        private final LongAdder deadLetters = new LongAdder();
        private final AtomicLong last = new AtomicLong();

        Round(String prefix) {
            this.prefix = prefix;
        }

        void delivered(NotificationDelivery delivery, long nanos) {
            if (!delivery.getEventId().startsWith(prefix)) {
                return;
            }
            records.increment();
            if (byDeliveryId.merge(delivery.getDeliveryId(), 1, Integer::sum) == 1) {
                last.accumulateAndGet(nanos, Math::max);
            }
        }

        int distinct() {
            return byDeliveryId.size();
        }
    }
}

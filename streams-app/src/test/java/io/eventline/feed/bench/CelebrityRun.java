package io.eventline.feed.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.feed.FeedStores;
import io.eventline.operations.OperationStatus;
import io.eventline.platform.EventlineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.RocksDBConfigSetter;

/**
 * An author with a million followers. Phase 1 runs with a celebrity threshold above the follower count: the
 * followers are seeded through the topology (timed), then the author's post is fanned out to every feed, next to
 * a post by an ordinary author with 1,000 of the same followers; then the instance stops and the disk its feed
 * stores and changelogs take is measured. Phase 2 restarts on the same state with the production threshold: one
 * more follow makes the author a celebrity, and their posts go to the celebrity table instead, which is the
 * same few records whatever the follower count.
 */
final class CelebrityRun {
    private static final String CELEBRITY = "author-celebrity";
    private static final String ORDINARY = "author-ordinary";
    private static final String LARGEST = "author-largest";

    private final BenchBroker cluster;
    private final Class<? extends RocksDBConfigSetter> rocksDbConfig;
    private final int followers;
    private final int ordinaryFollowers;
    private final int largestFollowers;
    private final long seedLingerMillis;
    private final int productionThreshold = EventlineConfig.load(Map.of()).feed().celebrityThreshold();

    CelebrityRun(BenchBroker cluster, Map<String, String> args) {
        this.cluster = cluster;
        this.rocksDbConfig = FeedBench.rocksDbConfig(args);
        this.followers = Integer.parseInt(args.getOrDefault("followers", "1000000"));
        this.ordinaryFollowers = Integer.parseInt(args.getOrDefault("ordinaryFollowers", "1000"));
        this.largestFollowers = Integer.parseInt(args.getOrDefault("largestFollowers",
                Integer.toString(productionThreshold)));
        this.seedLingerMillis = Long.parseLong(args.getOrDefault("seedLingerMillis", "5"));
    }

    void run() {
        Bench.line("RocksDB config: %s", FeedBench.describe(rocksDbConfig));
        final Audience audience = new Audience(followers);
        final Audience ordinaryAudience = new Audience(ordinaryFollowers);
        final Audience largestAudience = new Audience(largestFollowers);
        final Path data = cluster.dir("feed");
        final int below = followers * 2;
        Bench.line("Celebrity: %s has %s followers; %s is followed by the first %s of them, %s (the largest"
                        + " fan-out the production threshold allows) by the first %s", CELEBRITY,
                Bench.count(followers), ORDINARY, Bench.count(ordinaryFollowers), LARGEST,
                Bench.count(largestFollowers));
        Bench.line("");
        Bench.line("== Phase 1: celebrity threshold %s (above the follower count, so every post is fanned out)",
                Bench.count(below));
        final Path stateDir;
        final String applicationId;
        final long feedEntries;
        try (FeedApp app = new FeedApp(cluster, data, below, rocksDbConfig).start();
             Traffic web = new Traffic(cluster, "bench-web", Duration.ofMillis(1));
             OutcomeWatcher outcomes = new OutcomeWatcher(cluster)) {
            stateDir = app.stateDir();
            applicationId = app.applicationId();
            final List<CompletableFuture<OutcomeWatcher.Arrival>> profiles = new ArrayList<>();
            for (String author : List.of(CELEBRITY, ORDINARY, LARGEST)) {
                final String eventId = web.nextEventId();
                profiles.add(outcomes.watch(eventId));
                web.profile(author, eventId);
            }
            profiles.forEach(p -> OutcomeWatcher.await(p, Duration.ofSeconds(60)));
            web.followAll(ordinaryAudience, ORDINARY);
            web.followAll(largestAudience, LARGEST);
            web.flush();
            Bench.await("followers of " + ORDINARY, 300_000, 100, () -> app.followers(ORDINARY) == ordinaryFollowers);
            Bench.await("followers of " + LARGEST, 300_000, 100, () -> app.followers(LARGEST) == largestFollowers);
            cluster.awaitIdle(applicationId, FeedApp.INPUTS, Duration.ofMinutes(5));
            seed(app, audience);

            measureFanOut(app, web, outcomes, ORDINARY + " (fan-out, " + Bench.count(ordinaryFollowers)
                    + " followers)", ORDINARY, ordinaryAudience);
            measureFanOut(app, web, outcomes, LARGEST + " (fan-out, " + Bench.count(largestFollowers)
                    + " followers)", LARGEST, largestAudience);
            measureFanOut(app, web, outcomes, CELEBRITY + " (fan-out, " + Bench.count(followers) + " followers)",
                    CELEBRITY, audience);

            Bench.line("");
            Bench.line("== Storage after the fan-outs, RocksDB metrics of the running instance");
            for (String store : List.of(FeedStores.FEED, FeedStores.FEED_SIZES)) {
                Bench.line("%-18s estimate-num-keys %,d  total-sst-files-size %s  live-sst-files-size %s"
                                + "  size-all-mem-tables %s  estimate-table-readers-mem %s", store,
                        app.rocksDbMetric(store, "estimate-num-keys"),
                        Bench.mib(app.rocksDbMetric(store, "total-sst-files-size")),
                        Bench.mib(app.rocksDbMetric(store, "live-sst-files-size")),
                        Bench.mib(app.rocksDbMetric(store, "size-all-mem-tables")),
                        Bench.mib(app.rocksDbMetric(store, "estimate-table-readers-mem")));
            }
            Bench.line("shared block cache usage %s (bounded by EVENTLINE_ROCKSDB_CACHE_BYTES, 64 MiB)",
                    Bench.mib(app.rocksDbMetricMax(FeedStores.FEED, "block-cache-usage")));
            feedEntries = cluster.endOffsets().getOrDefault(applicationId + "-" + FeedStores.FEED + "-changelog", 0L);
        }
        storage(stateDir, applicationId, feedEntries);

        Bench.line("");
        Bench.line("== Phase 2: the same state, restarted with the production celebrity threshold %s",
                Bench.count(productionThreshold));
        final long restart = System.nanoTime();
        try (FeedApp app = new FeedApp(cluster, data, productionThreshold, rocksDbConfig).start();
             Traffic web = new Traffic(cluster, "bench-web", Duration.ofMillis(1));
             OutcomeWatcher outcomes = new OutcomeWatcher(cluster)) {
            Bench.line("RUNNING %.1f s after start (local state reused)", Bench.seconds(System.nanoTime() - restart));
            // the flag is set when the follower count changes: one more follow crosses the threshold
            final String newcomer = Audience.reader(followers + 1);
            web.follow(newcomer, CELEBRITY, web.nextEventId());
            web.flush();
            Bench.await("celebrity flag", 120_000, 50, () -> app.user(CELEBRITY) != null
                    && app.user(CELEBRITY).getCelebrity());
            cluster.awaitIdle(applicationId, FeedApp.INPUTS, Duration.ofMinutes(5));
            Bench.line("%s now has %s followers and is a celebrity", CELEBRITY,
                    Bench.count(app.followers(CELEBRITY)));
            for (int i = 1; i <= 3; i++) {
                measureCelebrityPost(app, web, outcomes, i);
            }
            for (int i = 1; i <= 3; i++) {
                measureFanOut(app, web, outcomes, ORDINARY + " (fan-out, " + Bench.count(ordinaryFollowers)
                        + " followers), post " + i, ORDINARY, ordinaryAudience);
            }
            for (int i = 1; i <= 3; i++) {
                measureFanOut(app, web, outcomes, LARGEST + " (fan-out, " + Bench.count(largestFollowers)
                        + " followers, not above the threshold), post " + i, LARGEST, largestAudience);
            }
        }
    }

    private void seed(FeedApp app, Audience audience) {
        Bench.line("");
        Bench.line("== Seeding: %s FollowRequested events for %s through the topology (producer linger %d ms)",
                Bench.count(followers), CELEBRITY, seedLingerMillis);
        try (Traffic bulk = new Traffic(cluster, "bench-seed", Duration.ofMillis(seedLingerMillis))) {
            final long t0 = System.nanoTime();
            final Thread sender = new Thread(() -> {
                bulk.followAll(audience, CELEBRITY);
                bulk.flush();
            }, "bench-seed-sender");
            sender.start();
            long lastPrint = t0;
            while (app.followers(CELEBRITY) < followers) {
                app.check();
                Bench.sleep(250);
                if (System.nanoTime() - lastPrint > 30_000_000_000L) {
                    lastPrint = System.nanoTime();
                    Bench.line("  +%.0f s: %s followers", Bench.seconds(lastPrint - t0),
                            Bench.count(app.followers(CELEBRITY)));
                }
                if (System.nanoTime() - t0 > 3_600_000_000_000L) {
                    throw new IllegalStateException("seeding took over an hour");
                }
            }
            final long counted = System.nanoTime() - t0;
            try {
                sender.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            final long acked = System.nanoTime() - t0;
            cluster.awaitIdle(app.applicationId(), FeedApp.INPUTS, Duration.ofMinutes(30));
            final long idle = System.nanoTime() - t0;
            Bench.line("follower count %s after %.1f s (%s follows); every follow answered and the consumer group"
                            + " idle after %.1f s (%s); last event acknowledged after %.1f s",
                    Bench.count(followers), Bench.seconds(counted), Bench.rate(followers, counted),
                    Bench.seconds(idle), Bench.rate(followers, idle), Bench.seconds(Math.min(acked, counted)));
        }
    }

    /** One post of {@code author}, timed to its 201 and to its first and last follower, with what it wrote. */
    private void measureFanOut(FeedApp app, Traffic web, OutcomeWatcher outcomes, String label, String author,
                               Audience audience) {
        final TreeMap<String, Long> before = cluster.endOffsets();
        final long postId = web.nextPostId();
        final CompletableFuture<OutcomeWatcher.Arrival> outcome = outcomes.watch(Long.toString(postId));
        final long pollMillis = audience.size() > 10_000 ? 10 : 1;
        final long t0 = System.nanoTime();
        web.post(author, postId);
        long first = -1;
        // a time is taken after the read that saw the post, so it is never early
        while (true) {
            app.check();
            if (first < 0 && audience.firsts().stream().anyMatch(f -> app.feedHolds(f, postId))) {
                first = System.nanoTime() - t0;
            }
            if (first >= 0 && audience.lasts().stream().allMatch(f -> app.feedHolds(f, postId))) {
                break;
            }
            if (System.nanoTime() - t0 > 1_800_000_000_000L) {
                throw new IllegalStateException("post " + postId + " not in every feed after 30 min");
            }
            Bench.sleep(pollMillis);
        }
        final long last = System.nanoTime() - t0;
        final OutcomeWatcher.Arrival arrival = checked(OutcomeWatcher.await(outcome, Duration.ofMinutes(5)), 201);
        cluster.awaitIdle(app.applicationId(), FeedApp.INPUTS, Duration.ofMinutes(30));
        final TreeMap<String, Long> after = cluster.endOffsets();
        final long missing = audience.missing(i -> app.feedHolds(audience.follower(i), postId));
        Bench.line("");
        Bench.line("-- Post by %s", label);
        Bench.line("201 after %.1f ms; first follower's feed holds it after %.1f ms, the last one's after %.1f ms"
                        + " (%s feed inserts/s); followers without it: %d", Bench.millis(arrival.nanos() - t0),
                Bench.millis(first), Bench.millis(last), Bench.rate(audience.size(), last), missing);
        Bench.printWrites(before, after, audience.size(), "insert");
    }

    private void measureCelebrityPost(FeedApp app, Traffic web, OutcomeWatcher outcomes, int n) {
        final TreeMap<String, Long> before = cluster.endOffsets();
        final long postId = web.nextPostId();
        final CompletableFuture<OutcomeWatcher.Arrival> outcome = outcomes.watch(Long.toString(postId));
        final long t0 = System.nanoTime();
        web.post(CELEBRITY, postId);
        Bench.await("celebrity table", 300_000, 1, () -> app.celebrityTableHolds(CELEBRITY, postId));
        final long visible = System.nanoTime() - t0;
        final OutcomeWatcher.Arrival arrival = checked(OutcomeWatcher.await(outcome, Duration.ofMinutes(5)), 201);
        cluster.awaitIdle(app.applicationId(), FeedApp.INPUTS, Duration.ofMinutes(30));
        final TreeMap<String, Long> after = cluster.endOffsets();
        Bench.line("");
        Bench.line("-- Post %d by %s (celebrity, %s followers)", n, CELEBRITY, Bench.count(app.followers(CELEBRITY)));
        Bench.line("201 after %.1f ms; in the celebrity table every instance reads after %.1f ms",
                Bench.millis(arrival.nanos() - t0), Bench.millis(visible));
        Bench.printWrites(before, after, 1, "insert");
    }

    private static OutcomeWatcher.Arrival checked(OutcomeWatcher.Arrival arrival, int status) {
        if (arrival.outcome().getStatus() != OperationStatus.ACCEPTED || arrival.outcome().getHttpStatus() != status) {
            throw new IllegalStateException("unexpected outcome " + arrival.outcome());
        }
        return arrival;
    }

    private void storage(Path stateDir, String applicationId, long feedEntries) {
        Bench.line("");
        Bench.line("== Storage on disk, instance stopped (RocksDB flushed), %s feed entries written",
                Bench.count(feedEntries));
        for (String store : List.of(FeedStores.FEED, FeedStores.FEED_SIZES, FeedStores.FOLLOWERS,
                FeedStores.FOLLOWING, FeedStores.USERS)) {
            final StoreFiles.Usage usage = StoreFiles.usage(stateDir, store);
            final String changelog = applicationId + "-" + store + "-changelog";
            final long changelogBytes = cluster.topicBytes(changelog);
            final long changelogRecords = cluster.endOffsets().getOrDefault(changelog, 0L);
            Bench.line("%-22s keys %,10d (estimate %,d)  RocksDB dir %s (SST %s, estimate-live-data-size %s)"
                            + " = %.1f B/key  |  changelog %,d records, %s = %.1f B/record", store, usage.keys(),
                    usage.estimatedKeys(), Bench.mib(usage.bytes()), Bench.mib(usage.sstBytes()),
                    Bench.mib(usage.liveDataBytes()), (double) usage.bytes() / Math.max(1, usage.keys()),
                    changelogRecords, Bench.mib(changelogBytes), (double) changelogBytes / Math.max(1,
                            changelogRecords));
        }
        Bench.line("state dir %s in all; broker log segments %s in all (indexes left out)",
                Bench.mib(Bench.directoryBytes(stateDir)), Bench.mib(Bench.segmentBytes(cluster.kafkaDir())));
    }
}

package io.eventline.feed.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.operations.OperationStatus;
import io.eventline.platform.EventlineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.RocksDBConfigSetter;

/**
 * Post-to-visible latency: an author with {@code followers} followers posts, one post at a time, while
 * {@code backgroundAuthors} other authors with the same followers post {@code backgroundRate} posts/s between
 * them. Per post: the time from sending {@code PostPublished} until its 201 outcome, until the first follower's
 * feed store holds it and until the last one's does, read through interactive queries.
 */
final class LatencyRun {
    private static final String AUTHOR = "author-measured";

    private final BenchBroker cluster;
    private final Class<? extends RocksDBConfigSetter> rocksDbConfig;
    private final int followers;
    private final int backgroundAuthors;
    private final double backgroundRate;
    private final int samples;
    private final int warmup;
    private final long gapMillis;

    LatencyRun(BenchBroker cluster, Map<String, String> args) {
        this.cluster = cluster;
        this.rocksDbConfig = FeedBench.rocksDbConfig(args);
        this.followers = Integer.parseInt(args.getOrDefault("followers", "1000"));
        this.backgroundAuthors = Integer.parseInt(args.getOrDefault("backgroundAuthors", "10"));
        this.backgroundRate = Double.parseDouble(args.getOrDefault("backgroundRate", "2"));
        this.samples = Integer.parseInt(args.getOrDefault("samples", "200"));
        this.warmup = Integer.parseInt(args.getOrDefault("warmup", "20"));
        this.gapMillis = Long.parseLong(args.getOrDefault("gapMillis", "500"));
    }

    private static String background(int i) {
        return String.format(Locale.ROOT, "author-bg-%02d", i);
    }

    void run() {
        Bench.line("Latency: %s, followed by %s followers, posts %d times (after %d unmeasured), %d ms apart;"
                        + " meanwhile %d other authors with the same followers post %.1f posts/s in all"
                        + " (%s feed inserts/s)", AUTHOR, Bench.count(followers), samples, warmup, gapMillis,
                backgroundAuthors, backgroundRate, Bench.count(Math.round(backgroundRate * followers)));
        Bench.line("RocksDB config: %s", FeedBench.describe(rocksDbConfig));
        final Audience audience = new Audience(followers);
        final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor();
        try (FeedApp app = new FeedApp(cluster, cluster.dir("feed"), EventlineConfig.load(Map.of()).feed()
                .celebrityThreshold(), rocksDbConfig).start();
             Traffic traffic = new Traffic(cluster, "bench-web", Duration.ofMillis(1));
             OutcomeWatcher outcomes = new OutcomeWatcher(cluster)) {
            final List<String> authors = new ArrayList<>();
            authors.add(AUTHOR);
            for (int i = 0; i < backgroundAuthors; i++) {
                authors.add(background(i));
            }
            final List<CompletableFuture<OutcomeWatcher.Arrival>> profiles = new ArrayList<>();
            for (String author : authors) {
                final String eventId = traffic.nextEventId();
                profiles.add(outcomes.watch(eventId));
                traffic.profile(author, eventId);
            }
            profiles.forEach(p -> OutcomeWatcher.await(p, Duration.ofSeconds(60)));
            for (String author : authors) {
                traffic.followAll(audience, author);
            }
            traffic.flush();
            for (String author : authors) {
                Bench.await("followers of " + author, 300_000, 100, () -> app.followers(author) == followers);
            }
            cluster.awaitIdle(app.applicationId(), FeedApp.INPUTS, Duration.ofMinutes(5));
            Bench.line("seeded %s follows", Bench.count((long) authors.size() * followers));

            final AtomicLong backgroundPosts = new AtomicLong();
            if (backgroundAuthors > 0 && backgroundRate > 0) {
                background.scheduleAtFixedRate(() -> traffic.post(
                                background((int) (backgroundPosts.getAndIncrement() % backgroundAuthors)),
                                traffic.nextPostId()), 0, Math.round(1e9 / backgroundRate), TimeUnit.NANOSECONDS);
            }
            Bench.sleep(5_000);
            final long measureStart = System.nanoTime();
            final long backgroundAtStart = backgroundPosts.get();
            final long[] first = new long[samples];
            final long[] last = new long[samples];
            final long[] answered = new long[samples];
            int incomplete = 0;
            for (int i = 0; i < warmup + samples; i++) {
                final long postId = traffic.nextPostId();
                final CompletableFuture<OutcomeWatcher.Arrival> outcome = outcomes.watch(Long.toString(postId));
                final long t0 = System.nanoTime();
                traffic.post(AUTHOR, postId);
                long firstSeen = -1;
                // a time is taken after the read that saw the post, so it is never early
                while (true) {
                    app.check();
                    if (firstSeen < 0 && audience.firsts().stream().anyMatch(f -> app.feedHolds(f, postId))) {
                        firstSeen = System.nanoTime();
                    }
                    if (firstSeen >= 0 && audience.lasts().stream().allMatch(f -> app.feedHolds(f, postId))) {
                        break;
                    }
                    if (System.nanoTime() - t0 > 60_000_000_000L) {
                        throw new IllegalStateException("post " + postId + " not in every feed after 60 s");
                    }
                    Bench.sleep(1);
                }
                final long lastSeen = System.nanoTime();
                final OutcomeWatcher.Arrival arrival = OutcomeWatcher.await(outcome, Duration.ofSeconds(60));
                if (arrival.outcome().getStatus() != OperationStatus.ACCEPTED
                        || arrival.outcome().getHttpStatus() != 201) {
                    throw new IllegalStateException("post " + postId + " answered " + arrival.outcome());
                }
                if (i >= warmup) {
                    first[i - warmup] = firstSeen - t0;
                    last[i - warmup] = lastSeen - t0;
                    answered[i - warmup] = arrival.nanos() - t0;
                    if (i % 10 == 0) {
                        incomplete += audience.missing(f -> app.feedHolds(audience.follower(f), postId));
                    }
                }
                Bench.sleep(gapMillis);
            }
            final long measured = System.nanoTime() - measureStart;
            final long backgroundSent = backgroundPosts.get() - backgroundAtStart;
            background.shutdownNow();
            Bench.line("measured %d posts in %.1f s; background posts meanwhile: %s (%.1f/s, %s feed inserts/s)",
                    samples, Bench.seconds(measured), Bench.count(backgroundSent),
                    backgroundSent / Bench.seconds(measured),
                    Bench.rate(backgroundSent * followers, measured));
            Bench.line("followers missing a post when every 10th post was checked in full: %d", incomplete);
            Bench.line("");
            Bench.line("== Post-to-visible, %s followers, under background load", Bench.count(followers));
            Bench.line("201 outcome      %s", Bench.distribution(answered));
            Bench.line("first follower   %s", Bench.distribution(first));
            Bench.line("last follower    %s", Bench.distribution(last));
        } finally {
            background.shutdownNow();
        }
    }
}

package io.eventline.feed.bench;

import io.eventline.bench.BenchBroker;
import io.eventline.clients.EventProducer;
import io.eventline.feed.FeedTopics;
import io.eventline.feed.FollowRequested;
import io.eventline.feed.PostPublished;
import io.eventline.feed.ProfileUpdated;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;

/**
 * The feed's events as the web layer sends them: through {@link EventProducer} (idempotent, {@code acks=all}),
 * with Snowflake event and post IDs. Bulk sends keep a bounded number unacknowledged and fail on the first error.
 */
final class Traffic implements AutoCloseable {
    private static final int MAX_IN_FLIGHT = 20_000;

    private final EventProducer producer;
    private final SnowflakeIdGenerator ids = new SnowflakeIdGenerator(0, 1);
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** @param linger the producer's {@code linger.ms}: 1 ms as the web layer's, longer for bulk seeding */
    Traffic(BenchBroker cluster, String clientId, Duration linger) {
        this.producer = new EventProducer(cluster.bootstrap(), clientId, cluster.serdes().registry(), linger);
    }

    /** A post ID, which is also the post's event ID, as the web layer makes it. */
    long nextPostId() {
        return ids.nextId();
    }

    String nextEventId() {
        return ids.nextIdString();
    }

    CompletableFuture<?> profile(String userId, String eventId) {
        return send(FeedTopics.PROFILES, ProfileUpdated.newBuilder().setEventId(eventId).setTimestamp(Instant.now()).setUserId(userId)
                .setDisplayName(userId.toUpperCase(Locale.ROOT)).build());
    }

    CompletableFuture<?> follow(String followerId, String followeeId, String eventId) {
        return send(FeedTopics.FOLLOWS, FollowRequested.newBuilder().setEventId(eventId).setTimestamp(Instant.now())
                .setFollowerId(followerId).setFolloweeId(followeeId).setFollow(true).build());
    }

    /** Publishes a post with ID {@code postId} (its event ID is the same number). */
    CompletableFuture<?> post(String authorId, long postId) {
        return send(FeedTopics.POSTS, PostPublished.newBuilder().setEventId(Long.toString(postId)).setTimestamp(Instant.now())
                .setPostId(postId).setAuthorId(authorId)
                .setText("Post " + postId + " by " + authorId + ": a short text of about the usual length.").build());
    }

    /** Every follower of {@code audience} follows {@code followeeId}; sent, not yet all acknowledged. */
    void followAll(Audience audience, String followeeId) {
        for (int i = 0; i < audience.size(); i++) {
            follow(audience.follower(i), followeeId, nextEventId());
        }
    }

    private <V extends SpecificRecord> CompletableFuture<?> send(Topic<V> topic, V event) {
        check();
        inFlight.acquireUninterruptibly();
        return producer.send(topic, event).whenComplete((metadata, error) -> {
            inFlight.release();
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    /** Waits for every send so far to be acknowledged. */
    void flush() {
        producer.flush();
        check();
    }

    private void check() {
        if (failure.get() != null) {
            throw new IllegalStateException("a send failed", failure.get());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}

package io.eventline.feed;

import io.eventline.kafka.Partitions;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A processor on a user partition. Everything it emits (outcomes, deliveries, graph changes, table writes) is
 * routed to its topic by type; every step is idempotent, because a replay after a crash repeats it.
 */
abstract class FeedProcessor<V> implements Processor<String, V, String, Object> {
    protected final FeedSettings settings;
    protected final Partitions partitions;
    protected ProcessorContext<String, Object> context;
    protected FeedState state;
    protected FeedMetrics metrics;

    FeedProcessor(FeedSettings settings, Partitions partitions) {
        this.settings = settings;
        this.partitions = partitions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.metrics = new FeedMetrics(context.metrics());
        this.state = new FeedState(context, settings, metrics);
    }

    /** Records reach here under the key their topic computes from them (see {@code TopologyKit#source}). */
    @Override
    public final void process(Record<String, V> record) {
        if (record.value() != null) {
            handle(record);
        }
    }

    abstract void handle(Record<String, V> record);

    final void emit(Record<String, V> cause, String key, Object value) {
        context.forward(cause.withKey(key).withValue(value));
    }

    final void outcome(Record<String, V> cause, OperationOutcome outcome) {
        emit(cause, outcome.getEventId(), outcome);
    }

    final void accepted(Record<String, V> cause, String eventId, String userId, int status, String json) {
        outcome(cause, Outcomes.accepted(eventId, userId, status, json, Instant.ofEpochMilli(cause.timestamp())));
    }

    final void rejected(Record<String, V> cause, String eventId, String userId, int status, String slug,
                        String title, String detail) {
        outcome(cause, Outcomes.rejected(eventId, userId, status, slug, title, detail,
                Instant.ofEpochMilli(cause.timestamp())));
    }

    /** Sends {@code kind} of {@code postIds} to the feeds of {@code userIds}, one record per partition. */
    final void deliver(Record<String, V> cause, FeedDeliveryKind kind, Iterable<String> userIds, String authorId,
                       List<Long> postIds, String eventId) {
        for (List<String> batch : partitions.batches(userIds)) {
            metrics.deliveryRecords.record();
            emit(cause, batch.get(0), FeedDelivery.newBuilder().setKind(kind).setUserIds(batch)
                    .setAuthorId(authorId).setPostIds(postIds).setEventId(eventId).build());
        }
    }

    final void graphChange(Record<String, V> cause, GraphChangeKind kind, String followerId, String followeeId,
                           String eventId, long since) {
        emit(cause, followeeId, GraphChange.newBuilder().setKind(kind).setFollowerId(followerId)
                .setFolloweeId(followeeId).setEventId(eventId).setSince(since).build());
    }

    /**
     * Puts the author on every follower's list of followed celebrities, unless they are there already: once when
     * the author crosses the threshold, so it costs as much as one post fanned out at the threshold. The caller
     * stores the author's state.
     *
     * @param resend whether to tell every follower again although the author is listed, because the record is a
     *               replay whose first processing may have stored the listing but not sent it
     * @return whether the followers were told
     */
    final boolean listCelebrity(Record<String, V> cause, UserState author, boolean resend) {
        if (author.getCelebrityListed() && !resend) {
            return false;
        }
        author.setCelebrityListed(true);
        deliver(cause, FeedDeliveryKind.CELEBRITY_LISTED, state.followersOf(author.getUserId()), author.getUserId(),
                List.of(), null);
        return true;
    }

    /**
     * Takes the author off their followers' lists once nothing of theirs is merged at read time any more: under
     * the threshold, with no post left in the celebrity table. Called where a fan-out to the same followers goes
     * out anyway (the author's next post, the delete of their last post there), not when the follower count
     * drops, so a count hovering at the threshold does not send a fan-out each time it crosses. Until then the
     * listing costs a reader one empty scan. The caller stores the author's state.
     */
    final void unlistIfOrdinary(Record<String, V> cause, UserState author) {
        if (author.getCelebrityListed() && !author.getCelebrity() && author.getCelebrityPosts() == 0) {
            author.setCelebrityListed(false);
            deliver(cause, FeedDeliveryKind.CELEBRITY_UNLISTED, state.followersOf(author.getUserId()),
                    author.getUserId(), List.of(), null);
        }
    }

    /** After marking a returning user active: asks each followee to resume fan-out and backfill what was missed. */
    final void resumeFanOut(Record<String, V> cause, String userId, long missedSince) {
        if (missedSince < 0) {
            return;
        }
        for (String followee : state.followees(userId)) {
            graphChange(cause, GraphChangeKind.FOLLOWER_RETURNED, userId, followee, null, missedSince);
        }
    }
}

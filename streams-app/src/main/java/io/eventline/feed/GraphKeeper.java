package io.eventline.feed;

import io.eventline.kafka.Partitions;
import io.eventline.ids.SnowflakeIdGenerator;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The followee's side of the graph, on the followee's partition: the follower list with each follower's
 * activity, the follower count and the celebrity flag. Backfills the followee's newest posts into a new
 * follower's feed, and what a returning follower missed.
 */
final class GraphKeeper extends FeedProcessor<GraphChange> {
    GraphKeeper(FeedSettings settings, Partitions partitions) {
        super(settings, partitions);
    }

    @Override
    void handle(Record<String, GraphChange> record) {
        final GraphChange change = record.value();
        final String followeeId = change.getFolloweeId();
        final String followerId = change.getFollowerId();
        final String edgeKey = FeedKeys.pair(followeeId, followerId);
        final FollowerEdge edge = state.followers.get(edgeKey);
        switch (change.getKind()) {
            case FOLLOWED -> followed(record, change, edge);
            case UNFOLLOWED -> {
                if (edge != null) {
                    state.followers.delete(edgeKey);
                    final UserState followee = state.user(followeeId);
                    followee.setFollowers(Math.max(0, followee.getFollowers() - 1));
                    followee.setCelebrity(followee.getFollowers() > settings.celebrityThreshold());
                    state.users.put(followeeId, followee);
                }
            }
            case FOLLOWER_INACTIVE -> {
                if (edge != null && edge.getActive()) {
                    edge.setActive(false);
                    state.followers.put(edgeKey, edge);
                }
            }
            case FOLLOWER_RETURNED -> {
                if (edge != null) {
                    edge.setActive(true);
                    state.followers.put(edgeKey, edge);
                    final long sinceId = SnowflakeIdGenerator.minIdAt(change.getSince());
                    backfill(record, followerId, followeeId, state.newestPosts(followeeId, settings.feedCap(), sinceId),
                            null);
                }
            }
            default -> throw new IllegalStateException("unknown graph change " + change.getKind());
        }
    }

    private void followed(Record<String, GraphChange> record, GraphChange change, FollowerEdge edge) {
        final String followeeId = change.getFolloweeId();
        final String followerId = change.getFollowerId();
        final UserState followee = state.users.get(followeeId);
        if (followee == null || followee.getDisplayName() == null) {
            deliver(record, FeedDeliveryKind.FOLLOW_REJECTED, List.of(followerId), followeeId, List.of(),
                    change.getEventId());
            return;
        }
        boolean toldAll = false;
        if (edge == null) {
            state.followers.put(FeedKeys.pair(followeeId, followerId),
                    FollowerEdge.newBuilder().setSince(java.time.Instant.ofEpochMilli(record.timestamp())).setActive(true).build());
            followee.setFollowers(followee.getFollowers() + 1);
            followee.setCelebrity(followee.getFollowers() > settings.celebrityThreshold());
            if (followee.getCelebrity() || followee.getCelebrityPosts() > 0) {
                toldAll = listCelebrity(record, followee, false);
            }
            state.users.put(followeeId, followee);
        } else {
            if (!edge.getActive()) {
                edge.setActive(true);
                state.followers.put(FeedKeys.pair(followeeId, followerId), edge);
            }
            // a replay of the follow that crossed the threshold may have stored the listing and lost its sending
            if (followee.getCelebrity() && followee.getFollowers() == settings.celebrityThreshold() + 1) {
                toldAll = listCelebrity(record, followee, true);
                state.users.put(followeeId, followee);
            }
        }
        if (followee.getCelebrityListed() && !toldAll) {
            // ahead of the backfill that answers the follow, on the same partition: the answer finds the list updated
            deliver(record, FeedDeliveryKind.CELEBRITY_LISTED, List.of(followerId), followeeId, List.of(), null);
        }
        backfill(record, followerId, followeeId, state.newestPosts(followeeId, settings.backfillPosts(), 0),
                change.getEventId());
    }

    private void backfill(Record<String, GraphChange> record, String followerId, String followeeId, List<Long> posts,
                          String eventId) {
        if (!posts.isEmpty() || eventId != null) {
            deliver(record, FeedDeliveryKind.BACKFILL, List.of(followerId), followeeId, posts, eventId);
        }
    }
}

package io.eventline.feed;

import io.eventline.kafka.Partitions;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Writes deliveries into the feeds of one partition's users. An insert for a user who no longer follows the
 * author is dropped (the unfollow overtook it); an insert for a user idle past the configured period is
 * dropped too, and the user's followees are told to stop fanning out to them until they return.
 */
final class FeedWriter extends FeedProcessor<FeedDelivery> {
    FeedWriter(FeedSettings settings, Partitions partitions) {
        super(settings, partitions);
    }

    @Override
    void handle(Record<String, FeedDelivery> record) {
        final FeedDelivery delivery = record.value();
        final String authorId = delivery.getAuthorId();
        switch (delivery.getKind()) {
            case INSERT -> {
                for (String userId : delivery.getUserIds()) {
                    if (!state.follows(userId, authorId)) {
                        continue;
                    }
                    if (stillActive(record, userId)) {
                        delivery.getPostIds().forEach(postId -> state.insert(userId, postId, authorId));
                    } else {
                        metrics.skippedIdle.record(delivery.getPostIds().size());
                    }
                }
            }
            case REMOVE -> delivery.getUserIds().forEach(userId ->
                    delivery.getPostIds().forEach(postId -> state.remove(userId, postId)));
            case BACKFILL -> {
                final String userId = delivery.getUserIds().get(0);
                if (state.follows(userId, authorId)) {
                    delivery.getPostIds().forEach(postId -> state.insert(userId, postId, authorId));
                }
                if (delivery.getEventId() != null) {
                    accepted(record, delivery.getEventId(), userId, 204, null);
                }
            }
            case FOLLOW_REJECTED -> {
                final String userId = delivery.getUserIds().get(0);
                if (state.follows(userId, authorId)) {
                    state.deleteFollow(userId, authorId);
                    final UserState user = state.user(userId);
                    user.setFollowing(Math.max(0, user.getFollowing() - 1));
                    state.users.put(userId, user);
                }
                if (delivery.getEventId() != null) {
                    rejected(record, delivery.getEventId(), userId, 404, "not-found", "Unknown user",
                            "no user " + authorId + " (a user is known once they have a profile)");
                }
            }
            case CELEBRITY_LISTED -> delivery.getUserIds().forEach(userId ->
                    state.listCelebrity(userId, authorId, record.timestamp()));
            case CELEBRITY_UNLISTED -> delivery.getUserIds().forEach(userId ->
                    state.followedCelebrities.delete(FeedKeys.pair(userId, authorId)));
            default -> throw new IllegalStateException("unknown delivery " + delivery.getKind());
        }
    }

    private boolean stillActive(Record<String, FeedDelivery> record, String userId) {
        final UserState user = state.users.get(userId);
        if (user == null) {
            return true;
        }
        if (user.getInactive()) {
            return false;
        }
        if (!state.idle(user, record.timestamp())) {
            return true;
        }
        user.setInactive(true);
        state.users.put(userId, user);
        for (String followee : state.followees(userId)) {
            graphChange(record, GraphChangeKind.FOLLOWER_INACTIVE, userId, followee, null, 0);
        }
        return false;
    }
}

package io.eventline.feed;

import io.eventline.kafka.Partitions;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Follows and unfollows on the follower's partition: enforces the follow cap and keeps the follower's side of
 * the graph. A follow is answered once the followee's partition has checked the followee and the backfill has
 * reached the follower's feed; an unfollow is answered here, with the followee's posts already gone from the feed.
 * The followee's side is told every time, also when nothing changed here, so a replay repairs a lost message.
 */
final class FollowGate extends FeedProcessor<FollowRequested> {
    FollowGate(FeedSettings settings, Partitions partitions) {
        super(settings, partitions);
    }

    @Override
    void handle(Record<String, FollowRequested> record) {
        final FollowRequested request = record.value();
        final String follower = request.getFollowerId();
        final String followee = request.getFolloweeId();
        final String eventId = request.getEventId();
        if (follower.equals(followee)) {
            rejected(record, eventId, follower, 400, "invalid-request", "Cannot follow yourself",
                    "a user's own posts are always in their feed");
            return;
        }
        final UserState user = state.user(follower);
        final long missedSince = state.markActive(user, record.timestamp());
        final boolean known = state.follows(follower, followee);
        if (request.getFollow()) {
            if (known) {
                graphChange(record, GraphChangeKind.FOLLOWED, follower, followee, null, 0);
                accepted(record, eventId, follower, 204, null);
            } else if (user.getFollowing() >= settings.maxFollowing()) {
                rejected(record, eventId, follower, 409, "follow-limit", "Follow limit reached",
                        "a user may follow at most " + settings.maxFollowing() + " users");
            } else {
                state.following.put(FeedKeys.pair(follower, followee), record.timestamp());
                user.setFollowing(user.getFollowing() + 1);
                graphChange(record, GraphChangeKind.FOLLOWED, follower, followee, eventId, 0);
            }
        } else {
            if (known) {
                state.deleteFollow(follower, followee);
                user.setFollowing(Math.max(0, user.getFollowing() - 1));
                state.removeAuthor(follower, followee);
            }
            graphChange(record, GraphChangeKind.UNFOLLOWED, follower, followee, null, 0);
            accepted(record, eventId, follower, 204, null);
        }
        state.users.put(follower, user);
        resumeFanOut(record, follower, missedSince);
    }
}

package io.eventline.feed;

import java.time.Duration;

/**
 * How the news feed behaves.
 *
 * @param feedCap             how many post IDs each user's feed keeps, newest first
 * @param celebrityThreshold  authors with more followers than this are merged at read time, not fanned out
 * @param inactiveAfter       users idle this long get no fan-out until they return
 * @param backfillPosts       how many of a followee's newest posts a follow copies into the follower's feed
 * @param maxFollowing        how many users one user may follow
 * @param cacheBytes          the most bytes of posts and names, encoded for the API, each instance keeps in memory
 * @param partitions          the partition count of every feed topic, which fan-out groups followers by
 * @param changes             told of each change of a post or profile on the instance that owns it
 */
public record FeedSettings(int feedCap, int celebrityThreshold, Duration inactiveAfter, int backfillPosts,
                           int maxFollowing, long cacheBytes, int partitions, FeedChanges changes) {
    public static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;

    public FeedSettings {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        changes = changes == null ? FeedChanges.NONE : changes;
    }

    /** These settings, telling {@code changes} of each change of a post or profile. */
    public FeedSettings withChanges(FeedChanges changes) {
        return new FeedSettings(feedCap, celebrityThreshold, inactiveAfter, backfillPosts, maxFollowing, cacheBytes,
                partitions, changes);
    }
}

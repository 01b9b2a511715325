package io.eventline.platform;

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
 */
public record FeedSettings(int feedCap, int celebrityThreshold, Duration inactiveAfter, int backfillPosts,
                           int maxFollowing, long cacheBytes) {
    public static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;

    public FeedSettings(int feedCap, int celebrityThreshold, Duration inactiveAfter, int backfillPosts,
                        int maxFollowing) {
        this(feedCap, celebrityThreshold, inactiveAfter, backfillPosts, maxFollowing, DEFAULT_CACHE_BYTES);
    }
}

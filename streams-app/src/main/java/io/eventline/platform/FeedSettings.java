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
 */
public record FeedSettings(int feedCap, int celebrityThreshold, Duration inactiveAfter, int backfillPosts,
                           int maxFollowing) {
}

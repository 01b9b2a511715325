package io.eventline.feed;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The stores of one user partition and the operations every processor there shares. A feed holds at most
 * {@link FeedSettings#feedCap()} post IDs: inserting past the cap drops the oldest, found as the last key of
 * the user's range, so an insert costs a few point operations whatever the feed's size.
 */
final class FeedState {
    final KeyValueStore<String, UserState> users;
    final KeyValueStore<String, Long> following;
    final KeyValueStore<String, FollowerEdge> followers;
    final KeyValueStore<String, Long> authorPosts;
    final KeyValueStore<String, String> feed;
    final KeyValueStore<String, Long> feedSizes;
    final KeyValueStore<String, Long> celebrityIndex;
    final KeyValueStore<String, Long> followedCelebrities;
    private final FeedSettings settings;
    private final FeedMetrics metrics;

    FeedState(ProcessorContext<?, ?> context, FeedSettings settings, FeedMetrics metrics) {
        this.users = context.getStateStore(FeedStores.USERS);
        this.following = context.getStateStore(FeedStores.FOLLOWING);
        this.followers = context.getStateStore(FeedStores.FOLLOWERS);
        this.authorPosts = context.getStateStore(FeedStores.AUTHOR_POSTS);
        this.feed = context.getStateStore(FeedStores.FEED);
        this.feedSizes = context.getStateStore(FeedStores.FEED_SIZES);
        this.celebrityIndex = context.getStateStore(FeedStores.CELEBRITY_INDEX);
        this.followedCelebrities = context.getStateStore(FeedStores.FOLLOWED_CELEBRITIES);
        this.settings = settings;
        this.metrics = metrics;
    }

    /** Every store a processor of the user partition may touch. */
    static String[] storeNames() {
        return new String[] {FeedStores.USERS, FeedStores.FOLLOWING, FeedStores.FOLLOWERS, FeedStores.AUTHOR_POSTS,
            FeedStores.FEED, FeedStores.FEED_SIZES, FeedStores.CELEBRITY_INDEX,
            FeedStores.FOLLOWED_CELEBRITIES};
    }

    FeedSettings settings() {
        return settings;
    }

    /** The user's state, or a fresh one for a user not seen before. */
    UserState user(String userId) {
        final UserState known = users.get(userId);
        return known != null ? known : UserState.newBuilder().setUserId(userId).build();
    }

    boolean follows(String followerId, String followeeId) {
        return following.get(FeedKeys.pair(followerId, followeeId)) != null;
    }

    /** Removes the follow edge and what hangs on it: the followee's place on the follower's celebrity list. */
    void deleteFollow(String followerId, String followeeId) {
        following.delete(FeedKeys.pair(followerId, followeeId));
        followedCelebrities.delete(FeedKeys.pair(followerId, followeeId));
    }

    /**
     * Puts a celebrity on the reader's list, only while the reader follows them: so the list never outgrows the
     * follow edges, and a listing that an unfollow overtook is dropped.
     */
    void listCelebrity(String readerId, String celebrityId, long at) {
        if (follows(readerId, celebrityId)) {
            followedCelebrities.putIfAbsent(FeedKeys.pair(readerId, celebrityId), at);
        }
    }

    /** Adds a post to a feed; true when it was not there yet. */
    boolean insert(String userId, long postId, String authorId) {
        final String key = FeedKeys.post(userId, postId);
        if (feed.get(key) != null) {
            return false;
        }
        feed.put(key, authorId);
        metrics.inserts.record();
        final Long size = feedSizes.get(userId);
        final long grown = (size == null ? 0 : size) + 1;
        if (grown > settings.feedCap()) {
            try (KeyValueIterator<String, String> oldest = feed.reverseRange(FeedKeys.prefix(userId),
                    FeedKeys.end(userId))) {
                if (oldest.hasNext()) {
                    feed.delete(oldest.next().key);
                }
            }
            feedSizes.put(userId, grown - 1);
        } else {
            feedSizes.put(userId, grown);
        }
        return true;
    }

    void remove(String userId, long postId) {
        if (feed.delete(FeedKeys.post(userId, postId)) != null) {
            final Long size = feedSizes.get(userId);
            feedSizes.put(userId, Math.max(0, (size == null ? 1 : size) - 1));
        }
    }

    /** Removes every post of {@code authorId} from {@code userId}'s feed: a walk over at most the cap. */
    void removeAuthor(String userId, String authorId) {
        final List<String> doomed = new ArrayList<>();
        try (KeyValueIterator<String, String> entries = feed.range(FeedKeys.prefix(userId), FeedKeys.end(userId))) {
            while (entries.hasNext()) {
                final KeyValue<String, String> entry = entries.next();
                if (authorId.equals(entry.value)) {
                    doomed.add(entry.key);
                }
            }
        }
        doomed.forEach(key -> remove(userId, FeedKeys.postIdOf(key)));
    }

    /** The followees of {@code userId}. */
    List<String> followees(String userId) {
        final List<String> followees = new ArrayList<>();
        try (KeyValueIterator<String, Long> edges = following.range(FeedKeys.prefix(userId), FeedKeys.end(userId))) {
            while (edges.hasNext()) {
                followees.add(FeedKeys.otherOf(edges.next().key, userId));
            }
        }
        return followees;
    }

    /** Every follower of {@code userId}, active or idle. */
    List<String> followersOf(String userId) {
        final List<String> all = new ArrayList<>();
        try (KeyValueIterator<String, FollowerEdge> edges = followers.range(FeedKeys.prefix(userId),
                FeedKeys.end(userId))) {
            while (edges.hasNext()) {
                all.add(FeedKeys.otherOf(edges.next().key, userId));
            }
        }
        return all;
    }

    /** Up to {@code max} of the author's post IDs, newest first, stopping at posts older than {@code minPostId}. */
    List<Long> newestPosts(String authorId, int max, long minPostId) {
        final List<Long> posts = new ArrayList<>();
        try (KeyValueIterator<String, Long> range = authorPosts.range(FeedKeys.prefix(authorId),
                FeedKeys.end(authorId))) {
            while (posts.size() < max && range.hasNext()) {
                final long postId = range.next().value;
                if (postId < minPostId) {
                    break;
                }
                posts.add(postId);
            }
        }
        return posts;
    }

    /**
     * Records that the user was active at {@code now}; when they had been marked inactive, returns the time
     * since which their feed missed posts (their last activity before), else -1.
     */
    long markActive(UserState user, long now) {
        final long missedSince = user.getInactive() ? user.getLastActiveAt() : -1;
        user.setInactive(false);
        user.setLastActiveAt(Math.max(user.getLastActiveAt(), now));
        return missedSince;
    }

    /** True when the user has been idle longer than the configured period at {@code now}. */
    boolean idle(UserState user, long now) {
        return user.getLastActiveAt() > 0 && now - user.getLastActiveAt() > settings.inactiveAfter().toMillis();
    }
}

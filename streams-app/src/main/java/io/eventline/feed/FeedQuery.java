package io.eventline.feed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one page of a user's feed on the instance that owns the user: the post IDs fanned out into the user's
 * feed store, merged with the recent posts of the celebrities the user follows (found in the user's list of
 * followed celebrities, their posts in the global celebrity table, so no remote call), newest first. A post
 * present in both (an author who crossed the threshold) is listed once.
 */
public final class FeedQuery {
    /** One post of a feed page, not yet hydrated. */
    public record Entry(long postId, String authorId) {
    }

    private final ReadOnlyKeyValueStore<String, String> feed;
    private final ReadOnlyKeyValueStore<String, Long> celebrityList;
    private final ReadOnlyKeyValueStore<String, Long> following;
    private final ReadOnlyKeyValueStore<String, Post> celebrityPosts;

    /**
     * @param feed           {@link FeedStores#FEED}
     * @param celebrityList  {@link FeedStores#FOLLOWED_CELEBRITIES}
     * @param following      {@link FeedStores#FOLLOWING}
     * @param celebrityPosts {@link FeedStores#CELEBRITY_POSTS}
     */
    public FeedQuery(ReadOnlyKeyValueStore<String, String> feed, ReadOnlyKeyValueStore<String, Long> celebrityList,
                     ReadOnlyKeyValueStore<String, Long> following, ReadOnlyKeyValueStore<String, Post> celebrityPosts) {
        this.feed = feed;
        this.celebrityList = celebrityList;
        this.following = following;
        this.celebrityPosts = celebrityPosts;
    }

    /**
     * Up to {@code limit} entries of {@code userId}'s feed, newest first, all older than {@code cursorPostId}
     * when it is not null.
     */
    public List<Entry> page(String userId, Long cursorPostId, int limit) {
        final Map<Long, Entry> merged = new LinkedHashMap<>();
        collect(feed, userId, cursorPostId, limit, merged, (key, authorId) -> authorId);
        for (String celebrity : followedCelebrities(userId)) {
            collect(celebrityPosts, celebrity, cursorPostId, limit, merged, (key, post) -> post.getAuthorId());
        }
        final List<Entry> entries = new ArrayList<>(merged.values());
        entries.sort(Comparator.comparingLong(Entry::postId).reversed());
        return entries.size() > limit ? entries.subList(0, limit) : entries;
    }

    private interface AuthorOf<V> {
        String authorOf(String key, V value);
    }

    private static <V> void collect(ReadOnlyKeyValueStore<String, V> store, String owner, Long cursorPostId, int limit,
                                    Map<Long, Entry> into, AuthorOf<V> authorOf) {
        final String from = cursorPostId == null ? FeedKeys.prefix(owner) : FeedKeys.olderThan(owner, cursorPostId);
        int taken = 0;
        try (KeyValueIterator<String, V> range = store.range(from, FeedKeys.end(owner))) {
            while (taken < limit && range.hasNext()) {
                final KeyValue<String, V> next = range.next();
                final long postId = FeedKeys.postIdOf(next.key);
                into.putIfAbsent(postId, new Entry(postId, authorOf.authorOf(next.key, next.value)));
                taken++;
            }
        }
    }

    /**
     * The celebrities {@code userId} follows, from the user's own list: as many reads as they follow celebrities,
     * whatever the number of celebrities or of followees. Each is checked against the follow edge, so a listing
     * that has not caught up with an unfollow shows nothing.
     */
    private List<String> followedCelebrities(String userId) {
        final List<String> followed = new ArrayList<>();
        try (KeyValueIterator<String, Long> listed = celebrityList.range(FeedKeys.prefix(userId),
                FeedKeys.end(userId))) {
            while (listed.hasNext()) {
                final String key = listed.next().key;
                if (following.get(key) != null) {
                    followed.add(FeedKeys.otherOf(key, userId));
                }
            }
        }
        return followed;
    }
}

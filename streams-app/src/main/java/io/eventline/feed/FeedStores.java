package io.eventline.feed;

/**
 * The feed's state stores. Stores keyed by user (or by a key starting with the user) live on the user's
 * partition, so a user's feed, follow lists and profile are answered by one instance.
 */
public final class FeedStores {
    /** userId → {@link UserState}: profile, counts, activity, celebrity flag. */
    public static final String USERS = "feed-users-store";
    /** {@code followerId NUL followeeId} → since (epoch ms), on the follower's partition. */
    public static final String FOLLOWING = "feed-following-store";
    /** {@code followeeId NUL followerId} → {@link FollowerEdge}, on the followee's partition. */
    public static final String FOLLOWERS = "feed-followers-store";
    /** {@code authorId NUL reversedPostId} → postId: every post of an author, newest first. */
    public static final String AUTHOR_POSTS = "feed-author-posts-store";
    /** {@code userId NUL reversedPostId} → authorId: the feed cache, post IDs only, newest first, capped. */
    public static final String FEED = "feed-store";
    /** userId → how many entries {@link #FEED} holds for the user. */
    public static final String FEED_SIZES = "feed-sizes-store";
    /**
     * {@code readerId NUL authorId} → since (epoch ms), on the reader's partition: the followed authors whose posts
     * are merged at read time. Never more entries than the reader's follow edges, as each needs one.
     */
    public static final String FOLLOWED_CELEBRITIES = "feed-followed-celebrities-store";
    /** postId (decimal) → {@link Post}: every post that exists. */
    public static final String POSTS = "feed-posts-store";
    /** {@code authorId NUL reversedPostId} → postId: which posts of the author the celebrity table holds. */
    public static final String CELEBRITY_INDEX = "feed-celebrity-index-store";
    /** Global: {@code authorId NUL reversedPostId} → {@link Post}, from feed.celebrity-posts.v1. */
    public static final String CELEBRITY_POSTS = "feed-celebrity-posts-store";
    /** Global: authorId → {@link CelebrityStatus}, from feed.celebrities.v1. */
    public static final String CELEBRITIES = "feed-celebrities-store";

    private FeedStores() {
    }
}

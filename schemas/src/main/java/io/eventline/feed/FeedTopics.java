package io.eventline.feed;

import io.eventline.topics.Topic;
import java.util.List;

/** The news feed's topics. */
public final class FeedTopics {
    /** Profile changes, keyed by userId. */
    public static final Topic<ProfileUpdated> PROFILES =
            Topic.events("feed.profiles.v1", "userId", ProfileUpdated.class, ProfileUpdated::getUserId);
    /** Follows and unfollows, keyed by the follower. */
    public static final Topic<FollowRequested> FOLLOWS =
            Topic.events("feed.follows.v1", "followerId", FollowRequested.class, FollowRequested::getFollowerId);
    /** New posts, keyed by author. */
    public static final Topic<PostPublished> POSTS = Topic.events("feed.posts.v1", "authorId", PostPublished.class,
            PostPublished::getAuthorId);
    /** Requests to delete a post, keyed by postId (decimal). */
    public static final Topic<PostDeleteRequested> POST_DELETES =
            Topic.events("feed.post-deletes.v1", "postId", PostDeleteRequested.class,
                    delete -> Long.toString(delete.getPostId()));
    /** Signs of life of users, keyed by userId. */
    public static final Topic<UserSeen> ACTIVITY = Topic.events("feed.activity.v1", "userId", UserSeen.class,
            UserSeen::getUserId);
    /**
     * Recent posts of celebrities, merged into feeds at read time; every instance holds all of it. Keyed by
     * {@code authorId NUL reversedPostId}; a deleted or aged-out post is a tombstone.
     */
    public static final Topic<Post> CELEBRITY_POSTS =
            Topic.table("feed.celebrity-posts.v1", "authorId NUL reversedPostId", Post.class,
                    post -> FeedKeys.post(post.getAuthorId(), post.getPostId()));
    /** Authors with posts in {@link #CELEBRITY_POSTS}, keyed by authorId. */
    public static final Topic<CelebrityStatus> CELEBRITIES =
            Topic.table("feed.celebrities.v1", "authorId", CelebrityStatus.class, CelebrityStatus::getAuthorId);

    /** Internal: feed inserts, removals and backfills, one record per post and destination partition. */
    public static final Topic<FeedDelivery> DELIVERIES =
            Topic.events("feed.deliveries.v1", "userId (the first of userIds)", FeedDelivery.class,
                    delivery -> delivery.getUserIds().isEmpty() ? null : delivery.getUserIds().get(0));
    /** Internal: follow-graph changes seen from the followee's side, keyed by followeeId. */
    public static final Topic<GraphChange> GRAPH_CHANGES =
            Topic.events("feed.graph-changes.v1", "followeeId", GraphChange.class, GraphChange::getFolloweeId);
    /** Internal: posts to store by ID, keyed by postId (decimal). */
    public static final Topic<PostChange> STORED_POSTS =
            Topic.events("feed.stored-posts.v1", "postId", PostChange.class,
                    change -> Long.toString(change.getPost().getPostId()));
    /** Internal: deleted posts to remove from the author's lists and every feed, keyed by authorId. */
    public static final Topic<PostChange> DELETED_POSTS =
            Topic.events("feed.deleted-posts.v1", "authorId", PostChange.class,
                    change -> change.getPost().getAuthorId());

    public static final List<Topic<?>> ALL = List.of(PROFILES, FOLLOWS, POSTS, POST_DELETES, ACTIVITY,
            CELEBRITY_POSTS, CELEBRITIES, DELIVERIES, GRAPH_CHANGES, STORED_POSTS, DELETED_POSTS);

    private FeedTopics() {
    }
}

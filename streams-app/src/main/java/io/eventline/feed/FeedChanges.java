package io.eventline.feed;

/**
 * Told by the feed's processors, on the instance that owns the partition, when a post or a profile it owns
 * changes, right after the store holds the change and before the change is acknowledged to its client; and when
 * a partition's posts or profiles start or stop being owned here. A cache of items this instance owns is kept
 * exact by it.
 */
public interface FeedChanges {
    /** Changes told to no one. */
    FeedChanges NONE = new FeedChanges() {
        @Override
        public void postDeleted(String postId) {
        }

        @Override
        public void profileChanged(String userId) {
        }

        @Override
        public void ownershipChanged() {
        }
    };

    /** The post is gone from {@link FeedStores#POSTS}. */
    void postDeleted(String postId);

    /** The user's display name in {@link FeedStores#USERS} changed. */
    void profileChanged(String userId);

    /** A partition of the posts or profiles was assigned to or taken from this instance. */
    void ownershipChanged();
}

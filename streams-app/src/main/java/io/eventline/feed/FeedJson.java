package io.eventline.feed;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON forms of posts and profiles, as the API returns them. Post IDs are strings: they exceed 2^53. */
public final class FeedJson {
    /** Builds nodes only; whoever writes them out uses the instance's configured mapper. */
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FeedJson() {
    }

    /** {@code {"postId","authorId","authorDisplayName","text","createdAt"}}; the display name may be null. */
    public static ObjectNode post(Post post, String authorDisplayName) {
        final ObjectNode node = NODES.objectNode();
        node.put("postId", Long.toString(post.getPostId()));
        node.put("authorId", post.getAuthorId());
        node.put("authorDisplayName", authorDisplayName);
        node.put("text", post.getText());
        node.put("createdAt", post.getCreatedAt().toString());
        return node;
    }

    /** {@code {"id","displayName","followers","following","posts"}}. */
    public static ObjectNode profile(UserState user) {
        final ObjectNode node = NODES.objectNode();
        node.put("id", user.getUserId());
        node.put("displayName", user.getDisplayName());
        node.put("followers", user.getFollowers());
        node.put("following", user.getFollowing());
        node.put("posts", user.getPosts());
        return node;
    }
}

package io.eventline.feed;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A post encoded once as the API returns it ({@link FeedJson#post}), in two parts around its author's display
 * name, which changes on its own: {@code {"postId":…,"authorId":…} and {@code ,"text":…,"createdAt":…}}.
 */
record EncodedPost(String postId, String authorId, byte[] head, byte[] tail) {
    private static final byte[] NAME_FIELD = ",\"authorDisplayName\":".getBytes(StandardCharsets.UTF_8);
    /** Roughly what the record, its strings and its arrays cost beyond their bytes. */
    private static final int OVERHEAD = 160;

    /** From the JSON form of a post; its author's display name, if any, is left out. */
    static EncodedPost of(JsonNode post) {
        final String postId = post.path("postId").asText();
        final String authorId = post.path("authorId").asText();
        final String head = "{\"postId\":" + post.get("postId") + ",\"authorId\":" + post.get("authorId");
        final String tail = ",\"text\":" + post.get("text") + ",\"createdAt\":" + post.get("createdAt") + "}";
        return new EncodedPost(postId, authorId, head.getBytes(StandardCharsets.UTF_8),
                tail.getBytes(StandardCharsets.UTF_8));
    }

    static EncodedPost of(Post post) {
        return of(FeedJson.post(post, null));
    }

    /** Writes the post with {@code name}, a JSON value (a string or {@code null}), as its author's display name. */
    void writeTo(ByteArrayOutputStream out, byte[] name) {
        out.writeBytes(head);
        out.writeBytes(NAME_FIELD);
        out.writeBytes(name);
        out.writeBytes(tail);
    }

    /** The bytes this post takes in memory, about. */
    int weight() {
        return OVERHEAD + 2 * (postId.length() + authorId.length()) + head.length + tail.length;
    }
}

package io.eventline.feed;

import io.eventline.auth.Users;
import io.eventline.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The opaque {@code ?cursor=} of the feed's lists: the last post ID or user ID of the previous page. A post ID
 * cursor stays valid while new posts arrive, since newer posts have larger IDs and sort before it.
 */
final class FeedCursors {
    private FeedCursors() {
    }

    static String ofPost(long postId) {
        return encode(Long.toString(postId));
    }

    /** The post ID of a cursor; null when the request has none. */
    static Long postId(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        return FeedRequests.postId(decode(cursor)).stream().boxed().findFirst().orElseThrow(FeedCursors::unknown);
    }

    static String ofUser(String userId) {
        return encode(userId);
    }

    /** The user ID of a cursor; null when the request has none. */
    static String userId(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        final String userId = decode(cursor);
        if (!Users.isValidId(userId)) {
            throw unknown();
        }
        return userId;
    }

    private static String encode(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unknown();
        }
    }

    private static ProblemException unknown() {
        return ProblemException.badRequest("cursor is not one this API returned",
                List.of(new ProblemException.FieldError("/cursor", "unknown cursor")));
    }
}

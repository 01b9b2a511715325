package io.eventline.feed;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.http.ProblemException;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** What the feed's requests may carry: display names, post texts and post IDs. Lengths count code points. */
final class FeedRequests {
    static final int MAX_DISPLAY_NAME = 64;
    static final int MAX_TEXT = 5000;
    private static final Pattern POST_ID = Pattern.compile("[0-9]{1,19}");

    private FeedRequests() {
    }

    /** The {@code displayName} of a profile body: 1 to {@value #MAX_DISPLAY_NAME} characters, not blank. */
    static String displayName(JsonNode body) {
        return text(body, "displayName", MAX_DISPLAY_NAME);
    }

    /** The {@code text} of a post body: 1 to {@value #MAX_TEXT} characters, not blank. */
    static String postText(JsonNode body) {
        return text(body, "text", MAX_TEXT);
    }

    /** The post ID a path or query names; empty when it cannot be one, which callers report as not found. */
    static OptionalLong postId(String raw) {
        if (raw == null || !POST_ID.matcher(raw).matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(raw));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String text(JsonNode body, String field, int maxLength) {
        final JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw invalid(field, "is required");
        }
        if (!node.isTextual()) {
            throw invalid(field, "must be a string");
        }
        final String value = node.textValue();
        if (value.isBlank()) {
            throw invalid(field, "must not be blank");
        }
        if (value.codePointCount(0, value.length()) > maxLength) {
            throw invalid(field, "must be at most " + maxLength + " characters");
        }
        return value;
    }

    private static ProblemException invalid(String field, String detail) {
        return ProblemException.badRequest(field + " " + detail,
                List.of(new ProblemException.FieldError("/" + field, detail)));
    }
}

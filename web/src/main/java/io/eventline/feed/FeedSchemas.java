package io.eventline.feed;

import static io.eventline.http.JsonSchema.formatted;
import static io.eventline.http.JsonSchema.integer;
import static io.eventline.http.JsonSchema.object;
import static io.eventline.http.JsonSchema.string;

import io.eventline.http.JsonSchema;

/** The feed's request and response bodies, as its routes declare them. */
final class FeedSchemas {
    static final JsonSchema PROFILE_UPDATE = object()
            .required("displayName", string(FeedRequests.MAX_DISPLAY_NAME).example("Alice"));

    static final JsonSchema NEW_POST = object().required("text", string(FeedRequests.MAX_TEXT).example("hello"));

    static final JsonSchema POST = object().required("postId", string()).required("authorId", string())
            .optional("authorDisplayName", string().nullable()).required("text", string())
            .required("createdAt", formatted("date-time"));

    static final JsonSchema PROFILE = object().required("id", string())
            .required("displayName", string().nullable()).required("followers", integer())
            .required("following", integer()).required("posts", integer());

    static final JsonSchema USER = object().required("id", string())
            .required("displayName", string().nullable());

    static final JsonSchema POSTS = object().required("items", JsonSchema.arrayOf(POST));

    static final JsonSchema PROFILES = object().required("items", JsonSchema.arrayOf(PROFILE));

    private FeedSchemas() {
    }
}

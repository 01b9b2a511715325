package io.eventline.shorturl;

import static io.eventline.http.JsonSchema.formatted;
import static io.eventline.http.JsonSchema.integer;
import static io.eventline.http.JsonSchema.object;
import static io.eventline.http.JsonSchema.string;

import io.eventline.http.JsonSchema;

/** The shortener's request and response bodies, as its routes declare them. */
final class ShortUrlSchemas {
    static final JsonSchema NEW_LINK = object()
            .required("url", formatted("uri").describedAs("An absolute http or https URL, at most 2,048 characters")
                    .example("https://example.com/a/long/path?with=query"))
            .optional("redirect", integer(301, 302).describedAs("301 (permanent) or 302 (the default, counted)"))
            .optional("code", string(32).describedAs("A custom alias: 3-32 of [0-9A-Za-z_-]").example("my-alias"));

    static final JsonSchema LINK = object().required("code", string()).required("shortUrl", formatted("uri"))
            .required("url", string()).required("redirect", integer(301, 302))
            .required("createdAt", formatted("date-time"));

    static final JsonSchema STATS = object().required("code", string())
            .required("clicks", object().required("total", integer()).required("lastHour", integer())
                    .required("last24h", integer()));

    private ShortUrlSchemas() {
    }
}

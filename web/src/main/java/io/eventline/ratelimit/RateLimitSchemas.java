package io.eventline.ratelimit;

import static io.eventline.http.JsonSchema.arrayOf;
import static io.eventline.http.JsonSchema.bool;
import static io.eventline.http.JsonSchema.formatted;
import static io.eventline.http.JsonSchema.integer;
import static io.eventline.http.JsonSchema.object;
import static io.eventline.http.JsonSchema.oneOf;
import static io.eventline.http.JsonSchema.string;

import io.eventline.http.JsonSchema;

/** The rate limiter's request and response bodies, as its routes declare them. */
final class RateLimitSchemas {
    private static final JsonSchema RATE_LIMIT = object()
            .required("unit", oneOf("second", "minute", "hour", "day", "week"))
            .required("requests_per_unit", integer(0, Integer.MAX_VALUE))
            .optional("algorithm", oneOf("token_bucket", "leaking_bucket", "fixed_window", "sliding_window_log",
                    "sliding_window_counter"))
            .optional("burst", integer(0, Integer.MAX_VALUE));

    /** A rule's descriptor; nesting goes deeper than shown here, each level the same shape. */
    private static final JsonSchema DESCRIPTOR = descriptor(descriptor(descriptor(object())));

    /** {@code PUT /api/v1/admin/ratelimit/rules/{domain}}: the domain's rules as a whole. */
    static final JsonSchema RULES_UPDATE = object().required("descriptors", arrayOf(DESCRIPTOR));

    static final JsonSchema RULES = object().required("domain", string()).required("version", integer())
            .required("updatedAt", formatted("date-time")).optional("updatedBy", string())
            .required("descriptors", arrayOf(DESCRIPTOR));

    static final JsonSchema ALL_RULES = object().required("domains", arrayOf(RULES));

    private static final JsonSchema ENTRY = object().required("key", string(256)).required("value", string(256));

    static final JsonSchema CHECK = object()
            .required("domain", string(64).example("rewards"))
            .required("descriptors", arrayOf(arrayOf(ENTRY)).maxItems(CheckRequests.MAX_DESCRIPTORS))
            .optional("hits", integer(0, CheckRequests.MAX_HITS))
            .optional("requestId", string(128).describedAs("Makes a retried check count once"));

    private static final JsonSchema LIMIT = object().required("name", string())
            .required("requestsPerUnit", integer()).required("unit", string());

    static final JsonSchema CHECK_RESULT = object().required("overallCode", oneOf("OK", "OVER_LIMIT"))
            .required("statuses", arrayOf(object().required("code", oneOf("OK", "OVER_LIMIT"))
                    .required("limit", LIMIT.nullable()).required("remaining", integer())
                    .required("resetSeconds", integer()).required("retryAfterSeconds", integer())
                    .required("delayMillis", integer()).required("shadowLimited", bool())
                    .required("decided", bool())));

    static final JsonSchema STATUS = object().required("domain", string())
            .required("descriptor", arrayOf(ENTRY))
            .required("rule", object().required("name", string()).required("requestsPerUnit", integer())
                    .required("unit", string()).required("algorithm", string()).required("shadow", bool())
                    .required("failureMode", string()).nullable())
            .optional("window", object().required("active", bool()).required("remaining", integer())
                    .required("resetSeconds", integer()).optional("expiresAt", formatted("date-time")));

    private static JsonSchema descriptor(JsonSchema nested) {
        return object().required("key", string(256)).optional("value", string(256))
                .optional("name", string(128)).optional("rate_limit", RATE_LIMIT)
                .optional("shadow", bool()).optional("failure_mode", oneOf("open", "closed"))
                .optional("descriptors", arrayOf(nested));
    }

    private RateLimitSchemas() {
    }
}

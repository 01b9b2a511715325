package io.eventline.kv;

import static io.eventline.http.JsonSchema.arrayOf;
import static io.eventline.http.JsonSchema.bool;
import static io.eventline.http.JsonSchema.formatted;
import static io.eventline.http.JsonSchema.integer;
import static io.eventline.http.JsonSchema.object;
import static io.eventline.http.JsonSchema.string;

import io.eventline.http.JsonSchema;

/** The key-value store's JSON bodies, as its routes declare them. */
final class KvSchemas {
    static final JsonSchema QUOTAS = object()
            .optional("maxKeys", integer().describedAs("Keys the namespace may hold; above the default only for admins"))
            .optional("maxBytes", integer().describedAs("Bytes of keys and values it may hold; above the default only "
                    + "for admins"))
            .optional("conflicts", JsonSchema.oneOf(KvJson.SIBLINGS, KvJson.LAST_WRITER_WINS).describedAs(
                    "What writes made concurrently in two data centres become: siblings (the default) a client "
                            + "resolves, or the later by hybrid logical clock, the other recorded on kv.conflicts.v1"));

    static final JsonSchema NAMESPACE = object().required("namespace", string()).required("owner", string())
            .required("createdAt", formatted("date-time")).required("maxKeys", integer())
            .required("maxBytes", integer()).required("keys", integer()).required("bytes", integer())
            .required("conflicts", JsonSchema.oneOf(KvJson.SIBLINGS, KvJson.LAST_WRITER_WINS));

    /** What {@code GET /api/v1/kv/{namespace}} answers: usage, a page of keys, or the values of some keys. */
    static final JsonSchema NAMESPACE_READ = object()
            .optional("namespace", string()).optional("owner", string())
            .optional("createdAt", formatted("date-time")).optional("maxKeys", integer())
            .optional("maxBytes", integer()).optional("keys", integer()).optional("bytes", integer())
            .optional("conflicts", JsonSchema.oneOf(KvJson.SIBLINGS, KvJson.LAST_WRITER_WINS))
            .optional("items", arrayOf(JsonSchema.any())
                    .describedAs("A scan's keys (as in a write's answer) or a batch's values"))
            .optional("nextCursor", string().nullable());

    static final JsonSchema ENTRY = object().required("key", string())
            .required("etag", string().describedAs("The value's version, as in the ETag header"))
            .required("size", integer()).required("contentType", string())
            .required("updatedAt", formatted("date-time"))
            .required("expiresAt", formatted("date-time").nullable().describedAs("Null unless written with "
                    + "Eventline-TTL"))
            .required("siblings", integer().describedAs("Versions the key holds: more than 1 after concurrent "
                    + "writes in two data centres, until a write resolves them (a GET answers 300)"))
            .optional("namespace", string());

    static final JsonSchema SIBLINGS = object().required("namespace", string()).required("key", string())
            .required("etag", string().describedAs("Covers every sibling: If-Match with it replaces them all"))
            .required("siblings", arrayOf(object()
                    .required("etag", string().describedAs("This sibling's own version"))
                    .required("contentType", string()).required("size", integer())
                    .required("value", string().describedAs("Base64"))
                    .required("updatedAt", formatted("date-time"))
                    .required("expiresAt", formatted("date-time").nullable())
                    .required("datacenter", string().describedAs("Where it was written, dc<id>")))
                    .describedAs("Newest first, by hybrid logical clock"));

    static final JsonSchema BATCH = object().required("items", arrayOf(object().required("key", string())
            .required("found", bool()).optional("etag", string()).optional("contentType", string())
            .optional("siblings", integer().describedAs("Versions the key holds; above 1 the value is the newest: "
                    + "read the key alone for all of them"))
            .optional("value", string().nullable().describedAs("Base64; null when the answer's 8 MiB were used up "
                    + "(omitted: true): read it on its own"))
            .optional("omitted", bool())));

    private KvSchemas() {
    }
}

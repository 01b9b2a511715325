package io.eventline.kv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.JsonBodies;
import io.eventline.http.ProblemException;
import io.eventline.query.LocalStores;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The key-value store's reads. A strong read (the default) is answered by the namespace's active copy once it
 * has applied every write the caller's consistency token covers; an eventual read by any copy, standbys
 * included, with {@code Eventline-Replica-Lag-Ms}. Both answer with the caller's token extended by what the copy
 * had applied, so a later strong read anywhere sees at least as much.
 */
public final class KvReads {
    public static final String LAG_HEADER = "Eventline-Replica-Lag-Ms";
    public static final int MAX_BATCH_KEYS = 100;
    /** A batch answer stops carrying values past this many bytes: a caller reads the rest one by one. */
    static final int MAX_BATCH_VALUE_BYTES = 8 << 20;

    private final QueryRouter router;
    private final ReplicaLags lags;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration strongWait;

    KvReads(QueryRouter router, ReplicaLags lags, ObjectMapper json, Clock clock, Duration strongWait) {
        this.router = router;
        this.lags = lags;
        this.json = json;
        this.clock = clock;
        this.strongWait = strongWait;
    }

    /** A read's view: the copy, what it had applied, and whether it answers strongly. */
    private record View(LocalStores stores, KvApplied applied, boolean strong) {
    }

    private interface ViewAnswer {
        void answer(Context ctx, View view) throws Exception;
    }

    private void read(Context ctx, String namespace, ViewAnswer answer) throws Exception {
        final ConsistencyToken seen = ConsistencyToken.parse(ctx.header(ConsistencyToken.HEADER));
        final String consistency = ctx.queryParam("consistency");
        if (consistency == null || consistency.equals("strong")) {
            router.answer(ctx, KvStores.NAMESPACES, namespace, (c, stores) -> {
                if (stores.stale()) {
                    throw ProblemException.unavailable("the owner of this namespace cannot answer now; a strong read "
                            + "waits for it, ?consistency=eventual reads a replica", 1);
                }
                answer.answer(c, view(c, stores, seen, true));
            });
        } else if (consistency.equals("eventual")) {
            router.answerFromAnyReplica(ctx, KvStores.NAMESPACES, namespace,
                    (c, stores) -> answer.answer(c, view(c, stores, seen, false)));
        } else {
            throw KvRoutes.invalid("/consistency", "consistency is strong or eventual");
        }
    }

    /** The copy's view once it covers the caller's token (strong), with the answer's token and lag set. */
    private View view(Context ctx, LocalStores stores, ConsistencyToken seen, boolean strong)
            throws InterruptedException {
        final ReadOnlyKeyValueStore<String, KvApplied> appliedStore = stores.keyValue(KvStores.APPLIED);
        final int partition = stores.partition();
        final long needed = seen.offsetOf(partition);
        KvApplied applied = appliedStore.get(KvStores.APPLIED_KEY);
        if (strong && needed >= 0) {
            final long deadline = System.nanoTime() + strongWait.toNanos();
            while ((applied == null || applied.getOffset() < needed) && System.nanoTime() < deadline) {
                Thread.sleep(1);
                applied = appliedStore.get(KvStores.APPLIED_KEY);
            }
            if (applied == null || applied.getOffset() < needed) {
                throw ProblemException.unavailable("the owner has not applied every write this token covers yet; "
                        + "retry", 1);
            }
        }
        final KvApplied seenHere = applied == null ? new KvApplied(-1L, Instant.EPOCH, 0L) : applied;
        ctx.header(ConsistencyToken.HEADER, (seenHere.getOffset() < 0 ? seen
                : seen.with(partition, seenHere.getOffset())).toString());
        if (!strong) {
            ctx.header(LAG_HEADER, Long.toString(lags.lagMs(partition, !stores.stale(),
                    seenHere.getWrittenAt().toEpochMilli())));
        }
        return new View(stores, seenHere, strong);
    }

    /** The namespace, when the caller may read it; a 404 otherwise, as if it did not exist. */
    private static KvNamespace owned(View view, Principal caller, String namespace) {
        final KvNamespace found = view.stores().<String, KvNamespace>keyValue(KvStores.NAMESPACES).get(namespace);
        if (found == null || !caller.mayRead(found.getOwner())) {
            throw ProblemException.notFound("no namespace " + namespace);
        }
        return found;
    }

    private KvEntry live(View view, String namespace, String key) {
        final KvEntry entry = view.stores().<String, KvEntry>keyValue(KvStores.ENTRIES)
                .get(KvNames.storeKey(namespace, key));
        return entry == null || KvNames.expired(entry, clock.instant()) ? null : entry;
    }

    void key(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String namespace = KvRoutes.namespace(ctx);
        final String key = KvRoutes.key(ctx);
        read(ctx, namespace, (c, view) -> {
            owned(view, caller, namespace);
            final KvEntry entry = live(view, namespace, key);
            if (entry == null) {
                throw ProblemException.notFound("no key " + key + " in " + namespace);
            }
            final List<KvSibling> versions = KvSiblings.live(entry, clock.instant());
            final java.util.Map<String, Long> context = KvSiblings.context(versions);
            c.header("ETag", KvVersions.etag(context));
            final KvSibling newest = versions.get(0);
            if (versions.size() == 1 && newest.getExpiresAt() != null) {
                c.header("Eventline-Expires-At", newest.getExpiresAt().toString());
            }
            final String ifNoneMatch = c.header("If-None-Match");
            if (ifNoneMatch != null && KvVersions.matches(ifNoneMatch, context)) {
                c.status(304);
                c.res().setContentType(null);
                return;
            }
            if (versions.size() > 1) {
                c.status(300).contentType("application/json").result(siblings(namespace, key, context, versions)
                        .toString());
                return;
            }
            c.contentType(newest.getContentType()).result(bytes(newest.getValue()));
        });
    }

    /** The {@code 300 Multiple Choices} body: every sibling, newest first, under the ETag covering them all. */
    private ObjectNode siblings(String namespace, String key, java.util.Map<String, Long> context,
                                List<KvSibling> versions) {
        final ObjectNode body = json.createObjectNode().put("namespace", namespace).put("key", key)
                .put("etag", KvVersions.etag(context));
        final ArrayNode siblings = body.putArray("siblings");
        for (KvSibling version : versions) {
            final ObjectNode sibling = siblings.addObject()
                    .put("etag", KvVersions.etag(version.getVersion()))
                    .put("contentType", version.getContentType())
                    .put("size", version.getValue().remaining())
                    .put("value", Base64.getEncoder().encodeToString(bytes(version.getValue())))
                    .put("updatedAt", version.getUpdatedAt().toString());
            if (version.getExpiresAt() == null) {
                sibling.putNull("expiresAt");
            } else {
                sibling.put("expiresAt", version.getExpiresAt().toString());
            }
            sibling.put("datacenter", version.getOrigin());
        }
        return body;
    }

    private static byte[] bytes(ByteBuffer value) {
        final ByteBuffer copy = value.duplicate();
        final byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    void namespace(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String namespace = KvRoutes.namespace(ctx);
        final String keys = ctx.queryParam("keys");
        final boolean scan = ctx.queryParam("prefix") != null || ctx.queryParam("cursor") != null
                || ctx.queryParam("limit") != null;
        if (keys != null) {
            final Set<String> asked = batch(keys);
            read(ctx, namespace, (c, view) -> batch(c, view, caller, namespace, asked));
        } else if (scan) {
            final int limit = JsonBodies.limit(ctx);
            final String prefix = ctx.queryParam("prefix") == null ? "" : ctx.queryParam("prefix");
            final String after = cursor(ctx.queryParam("cursor"));
            read(ctx, namespace, (c, view) -> scan(c, view, caller, namespace, prefix, after, limit));
        } else {
            read(ctx, namespace, (c, view) -> c.contentType("application/json")
                    .result(KvJson.namespace(owned(view, caller, namespace)).toString()));
        }
    }

    private static Set<String> batch(String keys) {
        final Set<String> asked = new LinkedHashSet<>(Arrays.asList(keys.split(",", -1)));
        if (asked.size() > MAX_BATCH_KEYS) {
            throw KvRoutes.invalid("/keys", "at most " + MAX_BATCH_KEYS + " keys at once");
        }
        for (String key : asked) {
            final String problem = KvNames.keyProblem(key);
            if (problem != null) {
                throw KvRoutes.invalid("/keys", problem);
            }
        }
        return asked;
    }

    private void batch(Context ctx, View view, Principal caller, String namespace, Set<String> keys) {
        owned(view, caller, namespace);
        final ObjectNode page = json.createObjectNode();
        final ArrayNode items = page.putArray("items");
        long valueBytes = 0;
        for (String key : keys) {
            final KvEntry entry = live(view, namespace, key);
            final ObjectNode item = items.addObject().put("key", key).put("found", entry != null);
            if (entry == null) {
                continue;
            }
            final List<KvSibling> versions = KvSiblings.live(entry, clock.instant());
            final KvSibling newest = versions.get(0);
            item.put("etag", KvVersions.etag(KvSiblings.context(versions))).put("contentType",
                    newest.getContentType());
            if (versions.size() > 1) {
                item.put("siblings", versions.size());
            }
            valueBytes += newest.getValue().remaining();
            if (valueBytes > MAX_BATCH_VALUE_BYTES) {
                item.putNull("value").put("omitted", true);
            } else {
                item.put("value", Base64.getEncoder().encodeToString(bytes(newest.getValue())));
            }
        }
        ctx.contentType("application/json").result(page.toString());
    }

    private static String cursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            final String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (KvNames.keyProblem(key) == null) {
                return key;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw KvRoutes.invalid("/cursor", "cursor is not one this API returned");
    }

    private void scan(Context ctx, View view, Principal caller, String namespace, String prefix, String after,
                      int limit) {
        owned(view, caller, namespace);
        final String storePrefix = KvNames.storePrefix(namespace, prefix);
        // the smallest store key after the cursor's: keys hold no NUL
        final String from = after == null || (namespace + '/' + after).compareTo(storePrefix) < 0 ? storePrefix
                : KvNames.storeKey(namespace, after) + '\u0000';
        final ObjectNode page = json.createObjectNode();
        final ArrayNode items = page.putArray("items");
        String last = null;
        boolean more = false;
        final Instant now = clock.instant();
        try (KeyValueIterator<String, KvEntry> range = view.stores().<String, KvEntry>keyValue(KvStores.ENTRIES)
                .range(from, null)) {
            while (range.hasNext()) {
                final KeyValue<String, KvEntry> entry = range.next();
                if (!entry.key.startsWith(storePrefix)) {
                    break;
                }
                if (KvNames.expired(entry.value, now)) {
                    continue;
                }
                if (items.size() == limit) {
                    more = true;
                    break;
                }
                last = KvNames.keyOf(entry.key);
                items.add(KvJson.entry(null, last, entry.value));
            }
        }
        if (more) {
            page.put("nextCursor", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        } else {
            page.putNull("nextCursor");
        }
        ctx.contentType("application/json").result(page.toString());
    }
}

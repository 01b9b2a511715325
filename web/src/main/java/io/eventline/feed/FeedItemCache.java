package io.eventline.feed;

import com.fasterxml.jackson.databind.node.TextNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Posts and authors' display names of the partitions this instance owns, encoded for the API, bounded in bytes.
 * Read through: a miss reads the store. Kept exact by {@link FeedChanges}, which the processors call after the
 * store holds a change and before it is acknowledged. An invalidation waits for a load of the same key that is
 * under way, so a load that read the store before the change cannot put its item back after it; a load that
 * starts after the change reads the changed store.
 */
public final class FeedItemCache implements FeedChanges, MeterBinder {
    /** The name of the cache in {@code /metrics}. */
    public static final String NAME = "feed_items";
    private static final byte[] NO_NAME = "null".getBytes(StandardCharsets.UTF_8);
    private static final int NAME_OVERHEAD = 96;

    private final Cache<String, Object> items;
    private final long maxBytes;

    public FeedItemCache(long maxBytes) {
        this.maxBytes = maxBytes;
        this.items = Caffeine.newBuilder().maximumWeight(maxBytes).weigher(FeedItemCache::weigh).recordStats()
                .build();
    }

    /**
     * The post of {@code postId}, loaded by {@code load} (null for a post that does not exist, which is not
     * remembered: a post can be stored after its ID reached a feed).
     */
    EncodedPost post(String postId, Function<String, EncodedPost> load) {
        return (EncodedPost) items.get(postKey(postId), key -> load.apply(postId));
    }

    /** The display name of {@code userId} as a JSON value, {@code null} for a user without one. */
    byte[] displayName(String userId, Function<String, String> load) {
        return (byte[]) items.get(nameKey(userId), key -> encodedName(load.apply(userId)));
    }

    @Override
    public void postDeleted(String postId) {
        items.invalidate(postKey(postId));
    }

    @Override
    public void profileChanged(String userId) {
        items.invalidate(nameKey(userId));
    }

    @Override
    public void ownershipChanged() {
        items.invalidateAll();
    }

    /** Bytes held now, about. */
    long bytes() {
        return items.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    long count() {
        items.cleanUp();
        return items.estimatedSize();
    }

    /** Hits, misses, evictions, size and the bytes evicted; the hit ratio and the bytes held and allowed. */
    @Override
    public void bindTo(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, items, NAME);
        Gauge.builder("eventline.feed.cache.hit.ratio", items, cache -> cache.stats().hitRate())
                .description("Share of feed item reads answered from the cache since the start")
                .register(registry);
        Gauge.builder("eventline.feed.cache.bytes", this, FeedItemCache::bytes).baseUnit("bytes")
                .description("Bytes of encoded posts and names the feed cache holds").register(registry);
        Gauge.builder("eventline.feed.cache.max.bytes", this, cache -> cache.maxBytes).baseUnit("bytes")
                .description("Bytes the feed cache may hold (EVENTLINE_FEED_CACHE_BYTES)").register(registry);
    }

    static byte[] encodedName(String name) {
        if (name == null) {
            return NO_NAME;
        }
        return TextNode.valueOf(name).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String postKey(String postId) {
        return "p" + postId;
    }

    private static String nameKey(String userId) {
        return "u" + userId;
    }

    private static int weigh(String key, Object value) {
        final int keyBytes = 2 * key.length();
        if (value instanceof EncodedPost post) {
            return keyBytes + post.weight();
        }
        return keyBytes + NAME_OVERHEAD + ((byte[]) value).length;
    }
}

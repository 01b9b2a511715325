package io.eventline.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The cache of encoded posts and names: bounded in bytes, read through, and never older than the store. */
class FeedItemCacheTest {
    private final Map<String, Post> store = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final AtomicInteger storeReads = new AtomicInteger();
    private final Function<String, EncodedPost> readStore = postId -> {
        storeReads.incrementAndGet();
        final Post post = store.get(postId);
        return post == null ? null : EncodedPost.of(post);
    };

    @Test
    void shouldKeepNoMoreBytesThanAllowedAndCountTheEvictions() {
        // Given a cache of 20 kB and 200 posts of about 1 kB each
        final FeedItemCache cache = new FeedItemCache(20_000);
        for (long id = 1; id <= 200; id++) {
            store.put(Long.toString(id), post(id, "a", "x".repeat(800)));
        }

        // When every post is read
        for (long id = 1; id <= 200; id++) {
            assertThat(cache.post(Long.toString(id), readStore)).isNotNull();
        }

        // Then the cache holds at most 20 kB, so most posts were evicted
        assertThat(cache.count()).isBetween(1L, 20L);
        assertThat(cache.bytes()).isPositive().isLessThanOrEqualTo(20_000);
    }

    @Test
    void shouldReadTheStoreOnceAndThenAnswerFromMemory() {
        // Given a stored post
        final FeedItemCache cache = new FeedItemCache(1_000_000);
        store.put("7", post(7, "a", "hello"));

        // When it is read three times
        final EncodedPost first = cache.post("7", readStore);
        cache.post("7", readStore);
        cache.post("7", readStore);

        // Then the store was read once, and the cached form is the API's
        assertThat(storeReads).hasValue(1);
        assertThat(first.authorId()).isEqualTo("a");
    }

    @Test
    void shouldNotRememberAPostThatIsNotStoredYet() {
        // Given a post ID whose post is not stored yet
        final FeedItemCache cache = new FeedItemCache(1_000_000);
        assertThat(cache.post("7", readStore)).isNull();

        // When it is stored
        store.put("7", post(7, "a", "late"));

        // Then the next read finds it
        assertThat(cache.post("7", readStore)).isNotNull();
    }

    @Test
    void shouldForgetADeletedPost() {
        // Given a cached post
        final FeedItemCache cache = new FeedItemCache(1_000_000);
        store.put("7", post(7, "a", "hello"));
        cache.post("7", readStore);

        // When it is deleted from the store, and then the cache is told
        store.remove("7");
        cache.postDeleted("7");

        // Then it is gone
        assertThat(cache.post("7", readStore)).isNull();
    }

    @Test
    void shouldNotKeepAPostReadBeforeItsDeleteWhenTheReadEndsAfterTheDelete() throws Exception {
        // Given a read that found the post in the store and is slow to finish
        final FeedItemCache cache = new FeedItemCache(1_000_000);
        store.put("7", post(7, "a", "hello"));
        final CountDownLatch readTheStore = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);
        final CompletableFuture<EncodedPost> slowRead = CompletableFuture.supplyAsync(() -> cache.post("7", id -> {
            final EncodedPost found = readStore.apply(id);
            readTheStore.countDown();
            await(finish);
            return found;
        }));
        assertThat(readTheStore.await(5, TimeUnit.SECONDS)).isTrue();

        // When the post is deleted (store first, then the cache) while that read is still under way
        final CompletableFuture<Void> delete = CompletableFuture.runAsync(() -> {
            store.remove("7");
            cache.postDeleted("7");
        });
        Thread.sleep(100);
        assertThat(delete).as("the invalidation waits for the read under way").isNotDone();
        finish.countDown();
        slowRead.get(5, TimeUnit.SECONDS);
        delete.get(5, TimeUnit.SECONDS);

        // Then the post the slow read found is not kept
        assertThat(cache.post("7", readStore)).isNull();
    }

    @Test
    void shouldReadAChangedNameAgainAndEncodeAMissingOneAsNull() {
        // Given a cached name and a user without one
        final FeedItemCache cache = new FeedItemCache(1_000_000);
        names.put("a", "Ann \"A\"");
        assertThat(new String(cache.displayName("a", names::get))).isEqualTo("\"Ann \\\"A\\\"\"");
        assertThat(new String(cache.displayName("b", names::get))).isEqualTo("null");

        // When both change their profiles
        names.put("a", "Anna");
        names.put("b", "Bo");
        cache.profileChanged("a");
        cache.profileChanged("b");

        // Then the new names are read
        assertThat(new String(cache.displayName("a", names::get))).isEqualTo("\"Anna\"");
        assertThat(new String(cache.displayName("b", names::get))).isEqualTo("\"Bo\"");
    }

    @Test
    void shouldForgetEverythingWhenPartitionsMove() {
        // Given cached items
        final FeedItemCache cache = new FeedItemCache(1_000_000);
        store.put("7", post(7, "a", "hello"));
        cache.post("7", readStore);

        // When a partition moves to or from this instance
        cache.ownershipChanged();

        // Then every item is read from the store again
        assertThat(cache.count()).isZero();
        cache.post("7", readStore);
        assertThat(storeReads).hasValue(2);
    }

    @Test
    void shouldShowHitsMissesEvictionsHitRatioAndBytesInTheMetrics() {
        // Given a small cache bound to a registry
        final FeedItemCache cache = new FeedItemCache(3_000);
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        cache.bindTo(meters);
        for (long id = 1; id <= 20; id++) {
            store.put(Long.toString(id), post(id, "a", "x".repeat(500)));
        }

        // When posts are read once each, and the last one again
        for (long id = 1; id <= 20; id++) {
            cache.post(Long.toString(id), readStore);
        }
        cache.post("20", readStore);
        cache.count();

        // Then /metrics shows them: every read a hit or a miss (the cache's admission policy may already have
        // evicted the last post, so the second read of it is a hit only most of the time), the ratio of the two
        final String scrape = meters.scrape();
        final double hits = sample(scrape, "cache_gets_total\\{cache=\"feed_items\",result=\"hit\"} ([0-9.]+)");
        final double misses = sample(scrape, "cache_gets_total\\{cache=\"feed_items\",result=\"miss\"} ([0-9.]+)");
        assertThat(hits + misses).as(scrape).isEqualTo(21.0);
        assertThat(misses).as(scrape).isBetween(20.0, 21.0);
        assertThat(sample(scrape, "eventline_feed_cache_hit_ratio ([0-9.]+)")).as(scrape)
                .isCloseTo(hits / 21, org.assertj.core.data.Offset.offset(0.001));
        assertThat(scrape).containsPattern("cache_evictions_total\\{cache=\"feed_items\"} [1-9]")
                .contains("eventline_feed_cache_max_bytes 3000.0")
                .containsPattern("eventline_feed_cache_bytes [1-9]");
    }

    private static double sample(String scrape, String pattern) {
        final java.util.regex.Matcher sample = java.util.regex.Pattern.compile(pattern).matcher(scrape);
        assertThat(sample.find()).as(pattern + " in " + scrape).isTrue();
        return Double.parseDouble(sample.group(1));
    }

    private static Post post(long id, String author, String text) {
        return Post.newBuilder().setPostId(id).setAuthorId(author).setText(text)
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L + id)).build();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

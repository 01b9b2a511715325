package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeenFilterTest {
    /** The exact store, as the frontier's key-value store would be, counting its reads. */
    private static final class CountingStore implements SeenFilter.Store {
        private final Set<String> keys = new HashSet<>();
        private int reads;

        @Override
        public boolean contains(String key) {
            reads++;
            return keys.contains(key);
        }

        @Override
        public void add(String key) {
            keys.add(key);
        }
    }

    @Test
    void shouldMeasureAFalsePositiveRateWithinTwiceTheConfiguredRate() {
        // Given: a filter for 100,000 URLs at 1 %, filled with 100,000 URLs
        final BloomFilter filter = new BloomFilter(100_000, 0.01);
        for (int i = 0; i < 100_000; i++) {
            filter.put("https://site" + (i % 50) + ".example/page/" + i);
        }
        // When: 100,000 URLs never added are asked about
        int falsePositives = 0;
        for (int i = 100_000; i < 200_000; i++) {
            if (filter.mightContain("https://site" + (i % 50) + ".example/page/" + i)) {
                falsePositives++;
            }
        }
        // Then: none added is ever missed, and the measured rate is near the configured one
        for (int i = 0; i < 100_000; i += 997) {
            assertThat(filter.mightContain("https://site" + (i % 50) + ".example/page/" + i)).isTrue();
        }
        final double measured = falsePositives / 100_000.0;
        assertThat(measured).isLessThanOrEqualTo(0.02).isGreaterThan(0.0);
        assertThat(filter.expectedFalsePositiveRate(100_000)).isBetween(0.005, 0.015);
    }

    @Test
    void shouldSizeTheFilterByTheStandardFormula() {
        // Given / When / Then: about 9.6 bits an entry at 1 %, 14.4 at 0.1 %
        assertThat(BloomFilter.bytesPerMillion(0.01)).isBetween(1_190_000L, 1_210_000L);
        assertThat(BloomFilter.bytesPerMillion(0.001)).isBetween(1_790_000L, 1_810_000L);
        assertThat(new BloomFilter(1_000_000, 0.01).hashCount()).isEqualTo(7);
        assertThat(new BloomFilter(1_000_000, 0.01).sizeBytes()).isBetween(1_190_000L, 1_210_000L);
    }

    @Test
    void shouldAnswerFirstSeenExactlyWithAStoreBehindTheFilter() {
        // Given: a tiny filter (many false positives) in front of an exact store
        final CountingStore store = new CountingStore();
        final SeenFilter seen = new SeenFilter(100, 0.05, store);
        // When: 2,000 distinct keys, each twice
        int first = 0;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2_000; i++) {
                if (seen.firstSeen("key-" + i)) {
                    first++;
                }
            }
        }
        // Then: every key is new exactly once; false positives cost store reads, never a lost key
        assertThat(first).isEqualTo(2_000);
        assertThat(seen.falsePositives()).isPositive();
        assertThat(store.reads).isEqualTo(seen.storeReads());
    }

    @Test
    void shouldReadTheStoreOnlyWhenTheFilterSaysMaybe() {
        // Given: a well-sized filter in front of a store
        final CountingStore store = new CountingStore();
        final SeenFilter seen = SeenFilter.exact(CrawlerSettings.builder().seenExpectedEntries(10_000).build(), store);
        // When: 1,000 new keys, then one again
        for (int i = 0; i < 1_000; i++) {
            assertThat(seen.firstSeen("https://e.example/" + i)).isTrue();
        }
        final boolean again = seen.firstSeen("https://e.example/7");
        // Then: new keys read the store only on a rare false positive
        assertThat(again).isFalse();
        assertThat(store.reads).isLessThan(20);
    }

    @Test
    void shouldLoseAboutTheFalsePositiveRateOfNewKeysWithoutAStore() {
        // Given: the filter alone, at 1 %
        final SeenFilter seen = SeenFilter.approximate(CrawlerSettings.builder().seenExpectedEntries(20_000).build());
        // When: 20,000 new keys
        int lost = 0;
        for (int i = 0; i < 20_000; i++) {
            if (!seen.firstSeen("https://e.example/" + i)) {
                lost++;
            }
        }
        // Then: each one lost is a URL that would never be fetched
        assertThat(lost).isLessThan(400);
        final SeenFilter rebuilt = SeenFilter.approximate(CrawlerSettings.defaults());
        rebuilt.remember("https://e.example/1");
        assertThat(rebuilt.firstSeen("https://e.example/1")).isFalse();
    }

    @Test
    void shouldGrowSoThatItsFalsePositivesStayNearTheRateAtTenTimesTheEntriesItWasSizedFor() {
        // Given: a filter sized for 10,000 keys at 1 % in front of a store
        final CountingStore store = new CountingStore();
        final SeenFilter seen = SeenFilter.exact(CrawlerSettings.builder().seenExpectedEntries(10_000).build(), store);
        final BloomFilter fixed = new BloomFilter(10_000, 0.01);
        // When: 100,000 new keys
        int fixedMaybes = 0;
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.firstSeen("https://e.example/" + i)).isTrue();
            if (!fixed.put("https://e.example/" + i)) {
                fixedMaybes++;
            }
        }
        // Then: at most about twice the rate of new keys cost a store read, where a filter of a fixed size says
        // "maybe" to most of them; its filters grew with the keys
        assertThat(seen.storeReads()).isLessThan(2_000);
        assertThat(fixedMaybes).isGreaterThan(40_000);
        assertThat(seen.filters()).isEqualTo(4);
        assertThat(seen.mightContain("https://e.example/7")).isTrue();
        assertThat(seen.modelFalsePositiveRate()).isBetween(0.005, 0.02);
        assertThat(seen.sizeBytes()).isBetween(150_000L, 300_000L);
    }
}

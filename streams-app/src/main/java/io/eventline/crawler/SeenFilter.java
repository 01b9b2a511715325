package io.eventline.crawler;

import java.util.ArrayList;
import java.util.List;

/**
 * Remembers which keys (normalised URLs for URL-seen, content hashes for content-seen) were met, in bounded
 * memory: a {@link BloomFilter} answers most questions, and an exact store behind it (the frontier's state
 * store) answers the rest.
 * <ul>
 *   <li>With a store: a key the filter has never seen is new for certain (no store read, the common case for
 *       fresh links); a "maybe" is settled by one store read. A false positive costs one store read, nothing
 *       more: no URL is lost.</li>
 *   <li>Without a store ({@link #approximate(CrawlerSettings)}): the filter alone decides, and a false positive
 *       makes a new URL look seen, so that URL is never fetched (and pages only it links to may be missed): at
 *       the configured rate p, about p of all new URLs.</li>
 * </ul>
 * The filter grows with what it holds, so that its false-positive rate stays near the configured one however many
 * keys a crawl meets: when the newest of its Bloom filters holds the entries it was sized for, a new one twice as
 * large at half the rate takes the new keys (a scalable Bloom filter), so the rates of all of them add up to at
 * most twice the configured one, and memory grows with the keys held (1.2 to 2.5 bytes a key at 1 %) rather than
 * the rate with a fixed filter (one sized for 1 M answers "maybe" for almost every new key past 5 M, each a store
 * read).
 * After a restart the filter is rebuilt from the store ({@link #remember(String)} for each key) before use.
 */
public final class SeenFilter {
    /** The exact record of seen keys. */
    public interface Store {
        boolean contains(String key);

        void add(String key);
    }

    /** Older filters, full, consulted only; the newest takes new keys. */
    private final List<BloomFilter> full = new ArrayList<>();
    private final Store store;
    private BloomFilter newest;
    private long newestCapacity;
    private double newestRate;
    private long newestEntries;
    private long storeReads;
    private long falsePositives;

    /**
     * @param expectedEntries   the entries the first filter is sized for
     * @param falsePositiveRate the first filter's false positive rate
     * @param store             the exact store behind it, or null to let the filter alone decide
     */
    public SeenFilter(long expectedEntries, double falsePositiveRate, Store store) {
        this.store = store;
        this.newestCapacity = expectedEntries;
        this.newestRate = falsePositiveRate;
        this.newest = new BloomFilter(expectedEntries, falsePositiveRate);
    }

    /** A filter sized by {@code settings} in front of {@code store}. */
    public static SeenFilter exact(CrawlerSettings settings, Store store) {
        return new SeenFilter(settings.seenExpectedEntries(), settings.seenFalsePositiveRate(), store);
    }

    /** A filter sized by {@code settings} with no store: smallest, and loses about 2p of new keys. */
    public static SeenFilter approximate(CrawlerSettings settings) {
        return new SeenFilter(settings.seenExpectedEntries(), settings.seenFalsePositiveRate(), null);
    }

    /** True the first time {@code key} is met (it is then remembered); false every later time. */
    public boolean firstSeen(String key) {
        if (!inFullFilters(key) && put(key)) {
            if (store != null) {
                store.add(key);
            }
            return true;
        }
        if (store == null) {
            return false;
        }
        storeReads++;
        if (store.contains(key)) {
            return false;
        }
        falsePositives++;
        put(key);
        store.add(key);
        return true;
    }

    /** Puts a key already in the store into the filter, when rebuilding it after a restart. */
    public void remember(String key) {
        put(key);
    }

    /** Whether {@code key} may have been met: false for certain when no filter holds it. */
    public boolean mightContain(String key) {
        return newest.mightContain(key) || inFullFilters(key);
    }

    /** The false-positive rate the filters' model gives for what they hold now. */
    public double modelFalsePositiveRate() {
        double allNo = 1 - newest.expectedFalsePositiveRate(newestEntries);
        long capacity = newestCapacity;
        for (int i = full.size() - 1; i >= 0; i--) {
            capacity /= 2;
            allNo *= 1 - full.get(i).expectedFalsePositiveRate(capacity);
        }
        return 1 - allNo;
    }

    /** Bytes of the filters' bits. */
    public long sizeBytes() {
        return newest.sizeBytes() + full.stream().mapToLong(BloomFilter::sizeBytes).sum();
    }

    /** How many Bloom filters the keys so far took. */
    public int filters() {
        return full.size() + 1;
    }

    private boolean inFullFilters(String key) {
        for (BloomFilter filter : full) {
            if (filter.mightContain(key)) {
                return true;
            }
        }
        return false;
    }

    /** Puts the key into the newest filter, first starting a larger one when it is full; true if it was new there. */
    private boolean put(String key) {
        if (newestEntries >= newestCapacity) {
            full.add(newest);
            newestCapacity *= 2;
            newestRate /= 2;
            newest = new BloomFilter(newestCapacity, newestRate);
            newestEntries = 0;
        }
        final boolean added = newest.put(key);
        if (added) {
            newestEntries++;
        }
        return added;
    }

    /** Store reads made because the filter said "maybe". */
    public long storeReads() {
        return storeReads;
    }

    /** Of those, the keys that were new after all: the filter's false positives. */
    public long falsePositives() {
        return falsePositives;
    }
}

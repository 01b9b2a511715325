package io.eventline.crawler;

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
 * After a restart the filter is rebuilt from the store ({@link #remember(String)} for each key) before use.
 */
public final class SeenFilter {
    /** The exact record of seen keys. */
    public interface Store {
        boolean contains(String key);

        void add(String key);
    }

    private final BloomFilter filter;
    private final Store store;
    private long storeReads;
    private long falsePositives;

    /**
     * @param filter the filter in front
     * @param store  the exact store behind it, or null to let the filter alone decide
     */
    public SeenFilter(BloomFilter filter, Store store) {
        this.filter = filter;
        this.store = store;
    }

    /** A filter sized by {@code settings} in front of {@code store}. */
    public static SeenFilter exact(CrawlerSettings settings, Store store) {
        return new SeenFilter(new BloomFilter(settings.seenExpectedEntries(), settings.seenFalsePositiveRate()),
                store);
    }

    /** A filter sized by {@code settings} with no store: smallest, and loses about p of new keys. */
    public static SeenFilter approximate(CrawlerSettings settings) {
        return new SeenFilter(new BloomFilter(settings.seenExpectedEntries(), settings.seenFalsePositiveRate()),
                null);
    }

    /** True the first time {@code key} is met (it is then remembered); false every later time. */
    public boolean firstSeen(String key) {
        if (filter.put(key)) {
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
        store.add(key);
        return true;
    }

    /** Puts a key already in the store into the filter, when rebuilding it after a restart. */
    public void remember(String key) {
        filter.put(key);
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

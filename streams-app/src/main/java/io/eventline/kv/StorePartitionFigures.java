package io.eventline.kv;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The LSM figures of one kv store partition on this instance, write path first: what waits in the memtable, the
 * SST files it was flushed to, what compaction still owes, then the read path's Bloom filter and block cache, and
 * how far this copy is behind its changelog.
 *
 * @param taskId      the Kafka Streams task that holds the partition, e.g. {@code 2_5}
 * @param sstFiles    files per level and their bytes
 * @param bloomFilter {@code null} when the store's instruments are not known yet (see {@link LsmProbes#readings})
 * @param blockCache  {@code null} likewise
 * @param changelog   {@code null} when the end offsets could not be fetched
 */
public record StorePartitionFigures(String store, int partition, String taskId, Role role, Memtable memtable,
                                    SstFiles sstFiles, BloomFilterCounts bloomFilter, BlockCacheCounts blockCache,
                                    long pendingCompactionBytes, Changelog changelog) {

    /** Whether this instance's copy serves the partition or follows it. */
    public enum Role {
        ACTIVE, STANDBY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param bytes   active and not yet flushed immutable memtables
     * @param entries the entries in them (deletes included)
     */
    public record Memtable(long bytes, long entries) {
    }

    /**
     * @param levels     SST files at L0, L1, ... up to the deepest level that has one, as of the last flush or
     *                   compaction; {@code null} while the store has had neither since it opened with files
     * @param totalBytes every SST file of the store, now
     */
    public record SstFiles(List<Integer> levels, long totalBytes) {
        public SstFiles {
            levels = levels == null ? null : List.copyOf(levels);
        }
    }

    /**
     * @param useful         lookups the filter answered "absent", so the file was not read
     * @param falsePositives lookups the filter let through for a key the file did not hold
     */
    public record BloomFilterCounts(long useful, long falsePositives) {
    }

    /** Block reads (data, index and filter blocks) answered by the shared block cache, and those that were not. */
    public record BlockCacheCounts(long hits, long misses) {
        /** Hits over all lookups; empty before the first. */
        public OptionalDouble hitRate() {
            final long lookups = hits + misses;
            return lookups == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) hits / lookups);
        }
    }

    /**
     * @param endOffset the changelog partition's end offset
     * @param lag       records this copy has yet to apply; 0 for an active copy that finished restoring
     */
    public record Changelog(long endOffset, long lag) {
    }
}

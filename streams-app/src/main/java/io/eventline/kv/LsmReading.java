package io.eventline.kv;

import java.util.List;

/**
 * What the instruments of one kv store partition read: its SST files per level (L0 first, up to the deepest level
 * that has one) as of its last flush or compaction, {@code null} while it had none since it opened, and its
 * counters since it opened.
 *
 * @param bloomUseful         SST lookups a Bloom filter answered "absent", so no block was read
 * @param bloomFalsePositives lookups a Bloom filter let through for a key the file did not hold
 * @param blockCacheHits      block reads (data, index, filter) the block cache answered
 * @param blockCacheMisses    block reads that went to the file
 */
public record LsmReading(List<Integer> levels, long bloomUseful, long bloomFalsePositives, long blockCacheHits,
                         long blockCacheMisses) {
    public LsmReading {
        levels = levels == null ? null : List.copyOf(levels);
    }

    /** The reading of a store with no SST file: nothing below the memtable, so nothing counted. */
    static LsmReading empty() {
        return new LsmReading(List.of(), 0, 0, 0, 0);
    }
}

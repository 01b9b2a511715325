package io.eventline.feed.bench;

import io.eventline.streams.BoundedRocksDbConfig;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * Not production's: {@link BoundedRocksDbConfig} with RocksDB's default memtable arena blocks (an eighth of the
 * 4 MiB write buffer), as before commit {@code de604d7}, to measure what the 64 KiB blocks changed. The shared
 * write buffer manager counts every memtable's allocated blocks; with about ninety RocksDB instances in one
 * process a 512 KiB block each is more than its 16 MiB budget, and a write to any store then flushes that
 * store's memtable, however small.
 */
public final class DefaultArenaRocksDbConfig implements RocksDBConfigSetter {
    static final long ARENA_BLOCK_BYTES = (4L << 20) / 8;

    private final BoundedRocksDbConfig bounded = new BoundedRocksDbConfig();

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        bounded.setConfig(storeName, options, configs);
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
    }

    @Override
    public void close(String storeName, Options options) {
        bounded.close(storeName, options);
    }
}

package io.eventline.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds RocksDB memory across all stores and partitions with one shared block cache that also accounts for
 * write buffers; without it each store partition takes its own 50 MB cache and 48 MB of memtables. A
 * {@link RocksDbInstruments} instance found under {@link RocksDbInstruments#CONFIG} instruments the stores it chooses.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
    /**
     * Memtable arena blocks. RocksDB's default is an eighth of the write buffer (512 KiB here); the shared write
     * buffer manager counts every memtable's allocated blocks, and with about a hundred store partitions in one
     * process one block each would exceed its budget, so every write would flush its memtable, however small.
     */
    static final long ARENA_BLOCK_BYTES = 64L << 10;

    /** Total bytes for block cache and memtables of every store in this process. */
    public static final String TOTAL_BYTES_CONFIG = "eventline.rocksdb.total.bytes";

    // Kafka Streams instantiates this class per store by name, so the process-wide cache must be shared statically.
    private static Cache cache;
    private static WriteBufferManager writeBufferManager;

    // one instance per store: what the instruments attached to this store, released when it closes
    private RocksDbInstruments.Attachment attachment = RocksDbInstruments.Attachment.NONE;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        final long total = Long.parseLong(String.valueOf(configs.getOrDefault(TOTAL_BYTES_CONFIG, 64L << 20)));
        final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(sharedCache(total));
        table.setCacheIndexAndFilterBlocks(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(sharedWriteBufferManager(total));
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(4L << 20);
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
        options.setTableFormatConfig(table);
        if (configs.get(RocksDbInstruments.CONFIG) instanceof RocksDbInstruments instruments) {
            attachment = instruments.attach(storeName, options);
        }
    }

    private static synchronized Cache sharedCache(long total) {
        if (cache == null) {
            cache = new LRUCache(total, -1, false, 0.1);
        }
        return cache;
    }

    private static synchronized WriteBufferManager sharedWriteBufferManager(long total) {
        if (writeBufferManager == null) {
            writeBufferManager = new WriteBufferManager(total / 4, sharedCache(total));
        }
        return writeBufferManager;
    }

    @Override
    public void close(String storeName, Options options) {
        // the shared cache outlives any single store
        attachment.close();
        attachment = RocksDbInstruments.Attachment.NONE;
    }
}

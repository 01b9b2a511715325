package io.eventline.kv;

import io.eventline.streams.RocksDbInstruments;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.CompactionJobInfo;
import org.rocksdb.Env;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.HistogramType;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instruments of one kv store partition's RocksDB: statistics for its Bloom filter and block cache counters,
 * a listener that counts its SST files per level after every flush and compaction, and a file manager that names
 * its directory (hence its task) from the moment it opens with files.
 */
final class LsmProbe implements RocksDbInstruments.Attachment {
    private static final Logger LOG = LoggerFactory.getLogger(LsmProbe.class);
    /** The column family where Kafka Streams keeps the store's changelog offsets, not the store's data. */
    private static final byte[] KAFKA_OFFSETS_FAMILY = "offsets".getBytes(StandardCharsets.UTF_8);

    private final String storeName;
    private final Statistics statistics;
    private final SstFileManager files;
    private final LevelListener listener;
    private final Consumer<LsmProbe> onClose;
    private final Object lock = new Object();
    private volatile boolean open = true;
    private volatile Path storeDir;
    private volatile List<Integer> levels;

    private LsmProbe(String storeName, Statistics statistics, SstFileManager files, Consumer<LsmProbe> onClose) {
        this.storeName = storeName;
        this.statistics = statistics;
        this.files = files;
        this.listener = new LevelListener();
        this.onClose = onClose;
    }

    /** Instruments a store's options before RocksDB opens it; {@code onClose} hears when the store closes. */
    static LsmProbe attach(String storeName, Options options, Consumer<LsmProbe> onClose) {
        // histograms would time every read and write; only the tickers are read
        final Statistics statistics = new Statistics(EnumSet.allOf(HistogramType.class));
        final SstFileManager files;
        try {
            // RocksDB makes one per database anyway; this one is told the files a database opens with
            files = new SstFileManager(Env.getDefault());
        } catch (RocksDBException e) {
            statistics.close();
            throw new IllegalStateException("no SST file manager for store " + storeName, e);
        }
        final LsmProbe probe = new LsmProbe(storeName, statistics, files, onClose);
        options.setStatistics(statistics);
        options.setSstFileManager(files);
        final List<AbstractEventListener> listeners = new ArrayList<>(options.listeners());
        listeners.add(probe.listener);
        options.setListeners(listeners);
        // Kafka Streams skips the filters of the last level, which holds most keys after a compaction; a key-value
        // store asked for missing keys (404s, create-only writes) needs them at every level
        options.setOptimizeFiltersForHits(false);
        return probe;
    }

    String storeName() {
        return storeName;
    }

    /** The store's directory, once known: from its first SST file, or from its first flush or compaction. */
    Optional<Path> storeDir() {
        Path dir = storeDir;
        if (dir == null) {
            synchronized (lock) {
                if (!open) {
                    return Optional.empty();
                }
                dir = files.getTrackedFiles().keySet().stream().findAny()
                        .map(file -> Path.of(file).toAbsolutePath().normalize().getParent()).orElse(null);
            }
            if (dir != null) {
                storeDir = dir;
            }
        }
        return Optional.ofNullable(dir);
    }

    /** The counters so far and the levels as of the last flush or compaction; empty once the store closed. */
    Optional<LsmReading> read() {
        synchronized (lock) {
            if (!open) {
                return Optional.empty();
            }
            // true positives first: each is counted after its positive, so the difference never goes below zero
            final long truePositives = statistics.getTickerCount(TickerType.BLOOM_FILTER_FULL_TRUE_POSITIVE);
            final long positives = statistics.getTickerCount(TickerType.BLOOM_FILTER_FULL_POSITIVE);
            return Optional.of(new LsmReading(levels, statistics.getTickerCount(TickerType.BLOOM_FILTER_USEFUL),
                    Math.max(0, positives - truePositives), statistics.getTickerCount(TickerType.BLOCK_CACHE_HIT),
                    statistics.getTickerCount(TickerType.BLOCK_CACHE_MISS)));
        }
    }

    /** Called by Kafka Streams' config setter before RocksDB closes, which keeps what it shares with these. */
    @Override
    public void close() {
        synchronized (lock) {
            if (!open) {
                return;
            }
            open = false;
            statistics.close();
            files.close();
            listener.close();
        }
        onClose.accept(this);
    }

    /** SST files per level L0, L1, ... up to the deepest level that has one, the offsets' family left out. */
    static List<Integer> countLevels(List<LiveFileMetaData> liveFiles) {
        int[] counts = new int[0];
        for (LiveFileMetaData file : liveFiles) {
            if (Arrays.equals(KAFKA_OFFSETS_FAMILY, file.columnFamilyName())) {
                continue;
            }
            if (file.level() >= counts.length) {
                counts = Arrays.copyOf(counts, file.level() + 1);
            }
            counts[file.level()]++;
        }
        return Arrays.stream(counts).boxed().toList();
    }

    // runs on a RocksDB thread, without the database's lock, while the database is open
    private void snapshot(RocksDB db) {
        if (!open) {
            return;
        }
        try {
            synchronized (listener) {
                if (storeDir == null) {
                    storeDir = Path.of(db.getName()).toAbsolutePath().normalize();
                }
                levels = countLevels(db.getLiveFilesMetaData());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not count the SST files of store {} per level", storeName, e);
        }
    }

    private final class LevelListener extends AbstractEventListener {
        LevelListener() {
            super(EnabledEventCallback.ON_FLUSH_COMPLETED, EnabledEventCallback.ON_COMPACTION_COMPLETED);
        }

        @Override
        public void onFlushCompleted(RocksDB db, FlushJobInfo flushJobInfo) {
            snapshot(db);
        }

        @Override
        public void onCompactionCompleted(RocksDB db, CompactionJobInfo compactionJobInfo) {
            snapshot(db);
        }
    }
}

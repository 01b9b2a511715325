package io.eventline.feed.bench;

import io.eventline.streams.BoundedRocksDbConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.HistogramType;
import org.rocksdb.Options;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

/**
 * Another config setter (production's {@link BoundedRocksDbConfig} unless told otherwise) plus RocksDB
 * statistics, one per store name shared by its partitions, so a run can count the operations that reach RocksDB
 * below Kafka Streams' record cache, and the memtable flushes and write stalls they cause.
 */
public final class CountingRocksDbConfig implements RocksDBConfigSetter {
    /** The counters a run reports, per store, by short name. */
    static final Map<String, TickerType> TICKERS = tickers();

    private static final Map<String, Statistics> STATISTICS = new ConcurrentHashMap<>();
    private static volatile Class<? extends RocksDBConfigSetter> delegateClass = BoundedRocksDbConfig.class;

    private final RocksDBConfigSetter delegate;

    public CountingRocksDbConfig() {
        try {
            delegate = delegateClass.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, TickerType> tickers() {
        final Map<String, TickerType> tickers = new LinkedHashMap<>();
        tickers.put("read", TickerType.NUMBER_KEYS_READ);
        tickers.put("written", TickerType.NUMBER_KEYS_WRITTEN);
        tickers.put("seek", TickerType.NUMBER_DB_SEEK);
        tickers.put("next", TickerType.NUMBER_DB_NEXT);
        tickers.put("prev", TickerType.NUMBER_DB_PREV);
        tickers.put("stallMicros", TickerType.STALL_MICROS);
        tickers.put("flushBytes", TickerType.FLUSH_WRITE_BYTES);
        tickers.put("compactBytes", TickerType.COMPACT_WRITE_BYTES);
        return tickers;
    }

    /** Which setter the statistics go on top of; set before the streams start. */
    static void delegateTo(Class<? extends RocksDBConfigSetter> setter) {
        delegateClass = setter;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        delegate.setConfig(storeName, options, configs);
        options.setStatistics(STATISTICS.computeIfAbsent(storeName, name -> new Statistics()));
    }

    @Override
    public void close(String storeName, Options options) {
        delegate.close(storeName, options);
    }

    /** Store name → counter → count so far; {@code flushes} is the number of memtable flushes. */
    static Map<String, Map<String, Long>> snapshot() {
        final Map<String, Map<String, Long>> all = new TreeMap<>();
        STATISTICS.forEach((store, statistics) -> {
            final Map<String, Long> counts = new LinkedHashMap<>();
            TICKERS.forEach((name, ticker) -> counts.put(name, statistics.getTickerCount(ticker)));
            counts.put("flushes", statistics.getHistogramData(HistogramType.FLUSH_TIME).getCount());
            all.put(store, counts);
        });
        return all;
    }
}

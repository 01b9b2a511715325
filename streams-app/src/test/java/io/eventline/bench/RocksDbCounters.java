package io.eventline.bench;

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
 * below Kafka Streams' record cache, and the memtable flushes and write stalls they cause. The statistics cost
 * time: rates measured with them on are not the ones to compare.
 */
public final class RocksDbCounters implements RocksDBConfigSetter {
    /** The counters a run reports, per store, by short name. */
    public static final Map<String, TickerType> TICKERS = tickers();

    private static final Map<String, Statistics> STATISTICS = new ConcurrentHashMap<>();
    private static volatile Class<? extends RocksDBConfigSetter> delegateClass = BoundedRocksDbConfig.class;

    private final RocksDBConfigSetter delegate;

    public RocksDbCounters() {
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
    public static void delegateTo(Class<? extends RocksDBConfigSetter> setter) {
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
    public static Map<String, Map<String, Long>> snapshot() {
        final Map<String, Map<String, Long>> all = new TreeMap<>();
        STATISTICS.forEach((store, statistics) -> {
            final Map<String, Long> counts = new LinkedHashMap<>();
            TICKERS.forEach((name, ticker) -> counts.put(name, statistics.getTickerCount(ticker)));
            counts.put("flushes", statistics.getHistogramData(HistogramType.FLUSH_TIME).getCount());
            all.put(store, counts);
        });
        return all;
    }

    /**
     * Prints each counter's change between two snapshots per {@code unit} ("check", "insert"), per store that did
     * anything, with its totals, then over all stores.
     */
    public static void print(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after, long n,
                             String unit) {
        Bench.line("    RocksDB per %s (read = keys read by Get, written = keys put or deleted, seek/next/prev ="
                + " iterator steps, stallMicros = write stall time, flushBytes/compactBytes = bytes written by"
                + " memtable flushes and compactions, flushes = memtable flushes):", unit);
        final Map<String, Long> total = new LinkedHashMap<>();
        after.forEach((store, counts) -> {
            final StringBuilder line = new StringBuilder(Bench.fmt("    %-28s", store));
            final StringBuilder totals = new StringBuilder();
            boolean any = false;
            for (Map.Entry<String, Long> count : counts.entrySet()) {
                final long delta = count.getValue() - before.getOrDefault(store, Map.of())
                        .getOrDefault(count.getKey(), 0L);
                any |= delta > 0;
                total.merge(count.getKey(), delta, Long::sum);
                line.append(Bench.fmt(" %s %.4f", count.getKey(), (double) delta / n));
                totals.append(Bench.fmt(" %s=%d", count.getKey(), delta));
            }
            if (any) {
                Bench.line("%s", line);
                Bench.line("    %-28s totals:%s", "", totals);
            }
        });
        final StringBuilder line = new StringBuilder(Bench.fmt("    %-28s", "all stores"));
        total.forEach((name, delta) -> line.append(Bench.fmt(" %s %.4f", name, (double) delta / n)));
        Bench.line("%s", line);
        Bench.line("    all stores, totals: %s", total);
    }
}

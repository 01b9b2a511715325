package io.eventline.ratelimit.bench;

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
 * Production's {@link BoundedRocksDbConfig} plus RocksDB statistics, one per store name shared by its partitions,
 * so a run can count what reaches RocksDB per check, and the memtable flushes and write stalls it causes. The
 * statistics cost time: rates measured with them on are not the ones to compare.
 */
public final class RocksDbStats implements RocksDBConfigSetter {
    private static final Map<String, TickerType> TICKERS = new LinkedHashMap<>();
    private static final Map<String, Statistics> STATISTICS = new ConcurrentHashMap<>();

    static {
        TICKERS.put("read", TickerType.NUMBER_KEYS_READ);
        TICKERS.put("written", TickerType.NUMBER_KEYS_WRITTEN);
        TICKERS.put("seek", TickerType.NUMBER_DB_SEEK);
        TICKERS.put("next", TickerType.NUMBER_DB_NEXT);
        TICKERS.put("stallMicros", TickerType.STALL_MICROS);
        TICKERS.put("flushBytes", TickerType.FLUSH_WRITE_BYTES);
        TICKERS.put("compactBytes", TickerType.COMPACT_WRITE_BYTES);
    }

    private final BoundedRocksDbConfig delegate = new BoundedRocksDbConfig();

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

    /** Prints, per store that did anything, each counter's change between two snapshots per check. */
    static void print(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after, long checks) {
        Out.line("    RocksDB per check (read = keys read by Get, written = keys put or deleted, seek/next = iterator"
                + " steps, stallMicros = write stall time, flushBytes/compactBytes = bytes written by memtable"
                + " flushes and compactions, flushes = memtable flushes):");
        after.forEach((store, counts) -> {
            final StringBuilder line = new StringBuilder(Out.fmt("    %-28s", store));
            final StringBuilder totals = new StringBuilder();
            boolean any = false;
            for (Map.Entry<String, Long> count : counts.entrySet()) {
                final long delta = count.getValue() - before.getOrDefault(store, Map.of())
                        .getOrDefault(count.getKey(), 0L);
                any |= delta > 0;
                line.append(Out.fmt(" %s %.4f", count.getKey(), (double) delta / checks));
                totals.append(Out.fmt(" %s=%d", count.getKey(), delta));
            }
            if (any) {
                Out.line("%s", line);
                Out.line("    %-28s totals:%s", "", totals);
            }
        });
    }
}

package io.eventline.feed.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.RocksDBConfigSetter;

/** Small shared helpers of the feed benchmarks: waiting, partitions, files, number formatting. */
final class Bench {
    private Bench() {
    }

    /** The partition the default partitioner sends {@code key} to, as the feed topology groups users. */
    static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % BenchCluster.PARTITIONS;
    }

    /**
     * The RocksDB config setter a run's option {@code rocksdb=production|default-arena} names; null for
     * production's, which {@code StreamsSettings} sets already.
     */
    static Class<? extends RocksDBConfigSetter> rocksDbConfig(Map<String, String> args) {
        return switch (args.getOrDefault("rocksdb", "production")) {
            case "production" -> null;
            case "default-arena" -> DefaultArenaRocksDbConfig.class;
            default -> throw new IllegalArgumentException("rocksdb=production|default-arena");
        };
    }

    static String describe(Class<? extends RocksDBConfigSetter> rocksDbConfig) {
        return rocksDbConfig == null ? "production's BoundedRocksDbConfig"
                : "production's BoundedRocksDbConfig with RocksDB's default memtable arena blocks of "
                        + DefaultArenaRocksDbConfig.ARENA_BLOCK_BYTES / 1024
                        + " KiB, as before de604d7 (not production)";
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Polls {@code condition} every {@code pollMillis} until it holds; fails with {@code what} after the timeout. */
    static void await(String what, long timeoutMillis, long pollMillis, BooleanSupplier condition) {
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            sleep(pollMillis);
        }
    }

    static long directoryBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // a file RocksDB or the broker removed meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes of the {@code *.log} files under {@code dir}: a broker's record data without its indexes. */
    static long segmentBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".log"))
                    .mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** {@code 12,345}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 12,345/s} from a count and a duration. */
    static String rate(long n, long nanos) {
        return String.format(Locale.ROOT, "%,.0f/s", n / seconds(nanos));
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static void line(String format, Object... args) {
        System.out.println(fmt(format, args));
        System.out.flush();
    }

    /** The value at percentile {@code p} (0-100) of sorted samples: the smallest with at least p % at or below it. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        final int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** {@code p50 12.3 ms, p90 ..., p99 ..., max ...} of latencies in nanoseconds. */
    static String distribution(long[] nanos) {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return fmt("n=%d  min %.1f ms  p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms", sorted.length,
                millis(sorted[0]), millis(percentile(sorted, 50)), millis(percentile(sorted, 90)),
                millis(percentile(sorted, 99)), millis(sorted[sorted.length - 1]));
    }
}

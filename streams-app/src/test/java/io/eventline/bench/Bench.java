package io.eventline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What every benchmark harness needs besides its broker: {@code name=value} arguments, a header and footer naming
 * the JVM and the machine's load, plain-text lines with numbers in {@link Locale#ROOT}, percentiles, waiting, and
 * the sizes of files on disk.
 */
public final class Bench {
    private Bench() {
    }

    /** The arguments: system property {@code property} if set (exec:java hands over the module's exec:exec line). */
    public static String[] args(String[] commandLine, String property) {
        final String value = System.getProperty(property);
        if (value != null) {
            return value.isBlank() ? new String[0] : value.trim().split("\\s+");
        }
        return commandLine;
    }

    /** {@code name=value} arguments, in order. */
    public static Map<String, String> options(String[] args) {
        return options(args, 0);
    }

    /** {@code name=value} arguments from index {@code from} on, in order. */
    public static Map<String, String> options(String[] args, int from) {
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            final int eq = args[i].indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("not name=value: " + args[i]);
            }
            options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return options;
    }

    public static void header(String name, Map<String, String> options) {
        line("%s %s", name, options);
        line("started %s; %d processors; load average %s; java %s; JVM options %s", Instant.now(),
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    public static void footer(long beganNanos) {
        line("");
        line("finished %s after %.0f s; load average %s", Instant.now(), seconds(System.nanoTime() - beganNanos),
                loadAverage());
    }

    /** The first three fields of {@code /proc/loadavg} (1, 5 and 15 minutes), or "unknown". */
    public static String loadAverage() {
        try {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The properties that decide how a topology commits, e.g. {@code exactly_once_v2, commit every 100 ms}. */
    public static String streamsSummary(Properties props) {
        return fmt("%s, commit every %s ms, %s stream thread(s)",
                props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG),
                props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
    }

    public static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    public static void line(String format, Object... args) {
        System.out.println(fmt(format, args));
        System.out.flush();
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Polls {@code condition} every {@code pollMillis} until it holds; fails with {@code what} after the timeout. */
    public static void await(String what, long timeoutMillis, long pollMillis, BooleanSupplier condition) {
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            sleep(pollMillis);
        }
    }

    public static double seconds(long nanos) {
        return nanos / 1e9;
    }

    public static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** {@code 12,345}. */
    public static String count(long n) {
        return fmt("%,d", n);
    }

    /** {@code 12,345/s} from a count and a duration. */
    public static String rate(long n, long nanos) {
        return fmt("%,.0f/s", n / seconds(nanos));
    }

    public static String mib(long bytes) {
        return fmt("%.1f MiB", bytes / 1048576.0);
    }

    /** The value at percentile {@code p} (0-100) of sorted samples: the smallest with at least p % at or below it. */
    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        final int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** {@code n=... min ... p50 ... p90 ... p99 ... p99.9 ... max ...} of latencies in nanoseconds. */
    public static String distribution(long[] nanos) {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return fmt("n=%d  min %.2f ms  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms",
                sorted.length, millis(sorted[0]), millis(percentile(sorted, 50)), millis(percentile(sorted, 90)),
                millis(percentile(sorted, 99)), millis(percentile(sorted, 99.9)), millis(sorted[sorted.length - 1]));
    }

    /** Records written to each topic between two snapshots of end offsets, and per one of {@code n} {@code unit}s. */
    public static void printWrites(Map<String, Long> before, Map<String, Long> after, long n, String unit) {
        long total = 0;
        for (Map.Entry<String, Long> topic : after.entrySet()) {
            final long written = topic.getValue() - before.getOrDefault(topic.getKey(), 0L);
            if (written > 0) {
                total += written;
                line("    %-62s %,12d  %8.4f per %s", topic.getKey(), written, (double) written / n, unit);
            }
        }
        line("    %-62s %,12d  %8.4f per %s", "all topics", total, (double) total / n, unit);
    }

    public static long directoryBytes(Path dir) {
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
    public static long segmentBytes(Path dir) {
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

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

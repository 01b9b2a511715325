package io.eventline.ratelimit.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Small shared helpers of the rate-limiter benchmarks: printing, waiting, arguments, percentiles. */
final class Out {
    private Out() {
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static void line(String format, Object... args) {
        System.out.println(fmt(format, args));
        System.out.flush();
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

    /** {@code name=value} arguments after the first, in order. */
    static Map<String, String> options(String[] args, int from) {
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

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** {@code 12,345/s} from a count and a duration. */
    static String rate(long n, long nanos) {
        return fmt("%,.0f/s", n / seconds(nanos));
    }

    /** The value at percentile {@code p} (0-100) of sorted samples: the smallest with at least p % at or below it. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        final int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** {@code n=... p50 ... p90 ... p99 ... p99.9 ... max ...} of latencies in nanoseconds. */
    static String distribution(long[] nanos) {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return fmt("n=%d  min %.2f ms  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms",
                sorted.length, millis(sorted[0]), millis(percentile(sorted, 50)), millis(percentile(sorted, 90)),
                millis(percentile(sorted, 99)), millis(percentile(sorted, 99.9)), millis(sorted[sorted.length - 1]));
    }
}

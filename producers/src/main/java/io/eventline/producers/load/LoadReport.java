package io.eventline.producers.load;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;

/** Renders a {@link LoadResult} as the plain text the load generator prints. */
public final class LoadReport {
    /** The percentiles of the summary line. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private LoadReport() {
    }

    /**
     * The report of {@code result}.
     *
     * @param outcomeLabel  what an outcome is called, e.g. {@code status}
     * @param latencyBasis  from when latency is counted, e.g. {@code from intended send time}
     * @param distribution  whether to append HdrHistogram's full percentile table (in ms)
     */
    public static String format(LoadResult result, String outcomeLabel, String latencyBasis, boolean distribution) {
        final StringBuilder out = new StringBuilder();
        line(out, "requests", "sent " + result.sent() + ", ended " + result.completed()
                + (result.unfinished() > 0 ? ", unfinished " + result.unfinished() : ""));
        line(out, "achieved", fixed(result.achievedPerSecond(), 1) + "/s  (" + result.measuredOutcomes()
                + " after the warm-up, in " + fixed(result.measuredSeconds(), 2) + " s)");
        line(out, outcomeLabel, counts(result.outcomes()));
        line(out, "failures", counts(result.failures()));
        if (result.measuredOutcomes() > 0) {
            final StringJoiner latency = new StringJoiner("  ");
            for (double p : PERCENTILES) {
                latency.add("p" + percentileName(p) + "=" + millis(result.latencyMillisAt(p)));
            }
            latency.add("max=" + millis(result.maxLatencyMillis()));
            line(out, "latency ms", latency + "  (" + latencyBasis + ")");
        } else {
            line(out, "latency ms", "none measured");
        }
        if (result.maxSendLagMicros() > 0) {
            line(out, "send lag", "max " + millis(result.maxSendLagMicros() / 1_000.0) + " ms behind schedule");
        }
        if (distribution && result.measuredOutcomes() > 0) {
            out.append(System.lineSeparator()).append("latency distribution (ms):").append(System.lineSeparator());
            final ByteArrayOutputStream table = new ByteArrayOutputStream();
            try (PrintStream print = new PrintStream(table, true, StandardCharsets.UTF_8)) {
                result.latencyMicros().outputPercentileDistribution(print, 5, 1_000.0);
            }
            out.append(table.toString(StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /**
     * One line of the timeline: {@code +12s  200.0/s  p50=3.10  p99=9.80  max=12.4}, for the outcomes of
     * {@code interval} that ended in the {@code seconds} before {@code elapsedSeconds}.
     */
    public static String intervalLine(long elapsedSeconds, double seconds, Histogram interval) {
        final long count = interval.getTotalCount();
        final String rate = fixed(seconds > 0 ? count / seconds : 0, 1) + "/s";
        if (count == 0) {
            return String.format(Locale.ROOT, "%-12s %s", "+" + elapsedSeconds + "s", rate);
        }
        return String.format(Locale.ROOT, "%-12s %-9s p50=%s  p99=%s  max=%s", "+" + elapsedSeconds + "s", rate,
                millis(interval.getValueAtPercentile(50) / 1_000.0),
                millis(interval.getValueAtPercentile(99) / 1_000.0), millis(interval.getMaxValue() / 1_000.0));
    }

    /** {@code 201=5000 409=3}, or {@code none}. */
    static String counts(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        final StringJoiner joined = new StringJoiner(" ");
        counts.forEach((name, count) -> joined.add(name + "=" + count));
        return joined.toString();
    }

    /** Two decimals below 10 ms, one below 1 s, none above: as many as the histogram's precision gives. */
    static String millis(double ms) {
        if (ms < 10) {
            return fixed(ms, 2);
        }
        return ms < 1_000 ? fixed(ms, 1) : fixed(ms, 0);
    }

    static String percentileName(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** One labelled line of a report, labels aligned. */
    static void line(StringBuilder out, String label, String text) {
        out.append(String.format(Locale.ROOT, "%-12s %s", label, text)).append(System.lineSeparator());
    }
}

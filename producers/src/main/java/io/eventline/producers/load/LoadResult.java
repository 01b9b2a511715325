package io.eventline.producers.load;

import java.util.SortedMap;
import org.HdrHistogram.Histogram;

/**
 * What one run measured.
 *
 * @param sent            requests sent, warm-up included
 * @param completed       requests that ended (with an outcome or a failure), warm-up included
 * @param outcomes        measured requests per outcome (HTTP status, or {@code acked})
 * @param failures        measured requests per failure type
 * @param latencyMicros   latencies of the measured requests that had an outcome
 * @param measuredSeconds from the end of the warm-up to the last measured completion
 * @param maxSendLagMicros how late the latest send was against its schedule (0 without a schedule)
 */
public record LoadResult(
        long sent,
        long completed,
        SortedMap<String, Long> outcomes,
        SortedMap<String, Long> failures,
        Histogram latencyMicros,
        double measuredSeconds,
        long maxSendLagMicros) {

    /** Measured requests that ended with an outcome. */
    public long measuredOutcomes() {
        return outcomes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Measured requests that failed. */
    public long measuredFailures() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests that never ended before the run gave up on them. */
    public long unfinished() {
        return sent - completed;
    }

    /** Measured outcomes per second over the measured time; 0 when nothing was measured. */
    public double achievedPerSecond() {
        return measuredSeconds > 0 ? measuredOutcomes() / measuredSeconds : 0;
    }

    /** The latency at {@code percentile} (0-100), in milliseconds. */
    public double latencyMillisAt(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** The highest latency, in milliseconds. */
    public double maxLatencyMillis() {
        return latencyMicros.getMaxValue() / 1_000.0;
    }
}

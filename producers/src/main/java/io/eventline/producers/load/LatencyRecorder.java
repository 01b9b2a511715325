package io.eventline.producers.load;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collects the outcome of every request of one run, from any thread: latencies in microseconds, counts per
 * outcome (an HTTP status, or {@code acked}) and per failure type. Only measured requests (past the warm-up)
 * count towards latency, outcomes and the achieved rate; sends and completions are counted for all.
 */
public final class LatencyRecorder {
    /** Longer latencies are recorded as this; no run lasts longer. */
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(2);

    private final long measureStartNanos;
    private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    /** Every outcome, warm-up included, for the per-interval lines; emptied by each {@link #takeInterval()}. */
    private final Recorder intervalMicros = new Recorder(HIGHEST_MICROS, 3);
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAccumulator maxSendLagNanos = new LongAccumulator(Math::max, 0);
    private final AtomicLong lastMeasuredNanos;

    /** @param measureStartNanos the {@link System#nanoTime()} at which the warm-up ends */
    public LatencyRecorder(long measureStartNanos) {
        this.measureStartNanos = measureStartNanos;
        this.lastMeasuredNanos = new AtomicLong(measureStartNanos);
    }

    /** A request went out {@code lagNanos} after it was meant to (0 when there is no schedule). */
    public void sent(long lagNanos) {
        sent.increment();
        maxSendLagNanos.accumulate(Math.max(0, lagNanos));
    }

    /** A request ended with {@code outcome} after {@code latencyNanos}, observed at {@code nowNanos}. */
    public void completed(boolean measured, String outcome, long latencyNanos, long nowNanos) {
        completed.increment();
        final long micros = Math.min(HIGHEST_MICROS, Math.max(0, latencyNanos / 1_000));
        intervalMicros.recordValue(micros);
        if (!measured) {
            return;
        }
        latencyMicros.recordValue(micros);
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        lastMeasuredNanos.accumulateAndGet(nowNanos, Math::max);
    }

    /** A request failed without an outcome (timeout, refused connection, ...), observed at {@code nowNanos}. */
    public void failed(boolean measured, Throwable error, long nowNanos) {
        completed.increment();
        if (!measured) {
            return;
        }
        failures.computeIfAbsent(failureName(error), k -> new LongAdder()).increment();
        lastMeasuredNanos.accumulateAndGet(nowNanos, Math::max);
    }

    /** The latencies of the outcomes since the previous call (or the start), warm-up included. */
    public Histogram takeInterval() {
        return intervalMicros.getIntervalHistogram();
    }

    /** What has been recorded so far. */
    public LoadResult result() {
        final SortedMap<String, Long> outcomeCounts = new TreeMap<>();
        outcomes.forEach((name, count) -> outcomeCounts.put(name, count.sum()));
        final SortedMap<String, Long> failureCounts = new TreeMap<>();
        failures.forEach((name, count) -> failureCounts.put(name, count.sum()));
        final Histogram latencies = latencyMicros.copy();
        final long measuredNanos = lastMeasuredNanos.get() - measureStartNanos;
        return new LoadResult(sent.sum(), completed.sum(), outcomeCounts, failureCounts, latencies,
                measuredNanos / 1e9, maxSendLagNanos.get() / 1_000);
    }

    /** The failure's type, unwrapped from the completion wrappers that hide it. */
    static String failureName(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}

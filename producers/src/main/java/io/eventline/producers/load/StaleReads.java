package io.eventline.producers.load;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongFunction;
import java.util.function.LongUnaryOperator;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Eventual reads of the keys a write load writes, on a schedule of their own, each compared with the writes
 * acknowledged before it was sent. A read is behind when a write of its key was acknowledged after the write of
 * the value it got and before the read was sent; its staleness is the time from the first such write's acknowledgment to the read's answer, and how many
 * such writes there were is how many versions behind it is. Answers are split by {@code Eventline-Stale}, which
 * marks a standby's.
 */
final class StaleReads {
    private static final String STALE_HEADER = "Eventline-Stale";
    private static final String LAG_HEADER = "Eventline-Replica-Lag-Ms";

    /** Per key slot: write number to acknowledgment time (nanoTime), for the writes answered 2xx. */
    private final Map<Long, NavigableMap<Long, Long>> acked = new ConcurrentHashMap<>();
    /** Read number to the nanoTime it was sent, until it is answered. */
    private final Map<Long, Long> sent = new ConcurrentHashMap<>();
    private final LongUnaryOperator slotOf;
    private final FixedRateSchedule schedule;
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final Map<String, Long> others = new ConcurrentHashMap<>();
    private Thread runner;
    private LoadResult latencies;

    private StaleReads(LongUnaryOperator slotOf, FixedRateSchedule schedule) {
        this.slotOf = slotOf;
        this.schedule = schedule;
    }

    /** The reads of one kind of answer: the active copy's or a standby's. */
    private static final class Group {
        final ConcurrentHistogram stalenessMicros = new ConcurrentHistogram(LatencyRecorder.HIGHEST_MICROS, 3);
        final ConcurrentHistogram behindMicros = new ConcurrentHistogram(LatencyRecorder.HIGHEST_MICROS, 3);
        final ConcurrentHistogram versionsBehind = new ConcurrentHistogram(3);
        final ConcurrentHistogram lagMs = new ConcurrentHistogram(3);
    }

    /**
     * Starts reading on {@code schedule}, read number {@code i} being {@code requests.apply(i)} of key slot
     * {@code slotOf.applyAsLong(i)}; the writes' observer ({@link #writes()}) must see every write from now on.
     */
    static StaleReads start(FixedRateSchedule schedule, int connections, Duration timeout, LongUnaryOperator slotOf,
                            LongFunction<HttpRequest> requests) {
        final StaleReads reads = new StaleReads(slotOf, schedule);
        reads.runner = new Thread(() -> {
            try (HttpLoadRunner client = new HttpLoadRunner(timeout, reads.reads(), true)) {
                reads.latencies = client.openLoop(schedule, connections, i -> {
                    final HttpRequest request = requests.apply(i);
                    reads.sent.put(i, System.nanoTime());
                    return request;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "load-stale-reads");
        reads.runner.setDaemon(true);
        reads.runner.start();
        return reads;
    }

    /** Sees the writes' answers. */
    ResponseObserver writes() {
        return new ResponseObserver() {
            @Override
            public void answered(long index, HttpResponse<String> response, long nowNanos) {
                if (response.statusCode() / 100 == 2) {
                    acked.computeIfAbsent(slotOf.applyAsLong(index), k -> new ConcurrentSkipListMap<>())
                            .put(index, nowNanos);
                }
            }

            @Override
            public void failed(long index, Throwable error, long nowNanos) {
            }
        };
    }

    private ResponseObserver reads() {
        return new ResponseObserver() {
            @Override
            public void answered(long index, HttpResponse<String> response, long nowNanos) {
                final Long sentNanos = sent.remove(index);
                if (sentNanos == null || !schedule.isMeasured(index)) {
                    return;
                }
                final long read = HttpKvCommand.writeNumber(response.body());
                if (response.statusCode() != 200 || read < 0) {
                    others.merge("status " + response.statusCode(), 1L, Long::sum);
                    return;
                }
                final Group group = groups.computeIfAbsent(
                        response.headers().firstValue(STALE_HEADER).orElse("false").equals("true")
                                ? "standby" : "active", k -> new Group());
                response.headers().firstValue(LAG_HEADER).ifPresent(lag -> group.lagMs.recordValue(
                        Math.max(0, Long.parseLong(lag))));
                long behind = 0;
                long firstMissedAck = Long.MAX_VALUE;
                final NavigableMap<Long, Long> writes = acked.get(slotOf.applyAsLong(index));
                // newer by acknowledgment, not by number: writes of one key in flight together may be applied in
                // either order; a value whose write is not acknowledged yet is newer than any that is
                final Long readAck = writes == null ? null : writes.get(read);
                for (long ack : readAck == null ? List.<Long>of() : writes.values()) {
                    if (ack - readAck > 0 && ack - sentNanos < 0) {
                        behind++;
                        firstMissedAck = Math.min(firstMissedAck, ack);
                    }
                }
                group.versionsBehind.recordValue(behind);
                final long micros = behind == 0 ? 0 : Math.min(LatencyRecorder.HIGHEST_MICROS,
                        (nowNanos - firstMissedAck) / 1_000);
                group.stalenessMicros.recordValue(micros);
                if (behind > 0) {
                    group.behindMicros.recordValue(micros);
                }
            }

            @Override
            public void failed(long index, Throwable error, long nowNanos) {
                final Long sentNanos = sent.remove(index);
                if (sentNanos != null && schedule.isMeasured(index)) {
                    others.merge(LatencyRecorder.failureName(error), 1L, Long::sum);
                }
            }
        };
    }

    /** Waits for the reads to end, then reports their latency and staleness. */
    String report() throws InterruptedException {
        runner.join();
        final StringBuilder out = new StringBuilder("\nstale reads: GET ...?consistency=eventual of the same keys"
                + " (standby: answers marked " + STALE_HEADER + ": true)\n");
        if (latencies != null) {
            out.append(LoadReport.format(latencies, "status", "from intended send time", false));
        }
        if (!others.isEmpty()) {
            LoadReport.line(out, "not compared", LoadReport.counts(new TreeMap<>(others)));
        }
        groups.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            final Group group = entry.getValue();
            final long reads = group.stalenessMicros.getTotalCount();
            final long behind = group.behindMicros.getTotalCount();
            out.append(String.format(Locale.ROOT, "answered by %s: %d reads, %d behind an acknowledged write (%.2f %%)%n",
                    entry.getKey(), reads, behind, reads == 0 ? 0.0 : 100.0 * behind / reads));
            LoadReport.line(out, "  staleness", "ms over all reads " + percentiles(group.stalenessMicros, 1_000.0));
            if (behind > 0) {
                LoadReport.line(out, "  behind", "ms over the reads behind " + percentiles(group.behindMicros, 1_000.0)
                        + "; versions behind " + percentiles(group.versionsBehind, 1.0) + " (all reads)");
            }
            if (group.lagMs.getTotalCount() > 0) {
                LoadReport.line(out, "  lag header", LAG_HEADER + " " + percentiles(group.lagMs, 1.0));
            }
        });
        return out.toString();
    }

    private static String percentiles(Histogram histogram, double perUnit) {
        return String.format(Locale.ROOT, "p50=%s p90=%s p99=%s max=%s mean=%s",
                fixed(histogram.getValueAtPercentile(50) / perUnit), fixed(histogram.getValueAtPercentile(90) / perUnit),
                fixed(histogram.getValueAtPercentile(99) / perUnit), fixed(histogram.getMaxValue() / perUnit),
                fixed(histogram.getMean() / perUnit));
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, value == Math.rint(value) ? "%.0f" : "%.2f", value);
    }
}

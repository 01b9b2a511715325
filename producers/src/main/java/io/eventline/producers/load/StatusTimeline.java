package io.eventline.producers.load;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Answers per second of a run by status class, and how many carried {@code Eventline-Stale: true}: so a drill
 * shows when answers failed and when they came back, not only how many failed. A request counts in the second it
 * ended, warm-up included; seconds are counted from the run's start and also named by their wall-clock time, to
 * be laid next to the times of what a drill did.
 */
final class StatusTimeline implements ResponseObserver {
    static final String STALE_HEADER = "Eventline-Stale";
    static final String HEADER = String.format(Locale.ROOT, "%-8s %-9s %7s %7s %7s %7s %7s %7s", "second", "utc",
            "2xx", "3xx", "4xx", "5xx", "errors", "stale");
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** The columns: the status classes 2xx to 5xx, then failures without an answer, then stale answers. */
    private static final int ERRORS = 4;
    private static final int STALE = 5;

    private final long startNanos;
    private final long startEpochMillis;
    private final Map<Long, LongAdder[]> seconds = new ConcurrentSkipListMap<>();

    StatusTimeline(long startNanos, long startEpochMillis) {
        this.startNanos = startNanos;
        this.startEpochMillis = startEpochMillis;
    }

    /** A timeline that starts now. */
    static StatusTimeline startingNow(LongSupplier nanoTime) {
        return new StatusTimeline(nanoTime.getAsLong(), System.currentTimeMillis());
    }

    @Override
    public void answered(long index, HttpResponse<String> response, long nowNanos) {
        final int status = response.statusCode();
        final LongAdder[] counts = second(nowNanos);
        if (status >= 200 && status < 600) {
            counts[status / 100 - 2].increment();
        } else {
            counts[ERRORS].increment();
        }
        if (response.headers().firstValue(STALE_HEADER).map("true"::equalsIgnoreCase).orElse(false)) {
            counts[STALE].increment();
        }
    }

    @Override
    public void failed(long index, Throwable error, long nowNanos) {
        second(nowNanos)[ERRORS].increment();
    }

    private LongAdder[] second(long nowNanos) {
        final long second = Math.max(0, (nowNanos - startNanos) / 1_000_000_000L);
        return seconds.computeIfAbsent(second, s -> {
            final LongAdder[] counts = new LongAdder[STALE + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
            return counts;
        });
    }

    /**
     * One line per second from the first to the last that saw an answer (quiet seconds included, as zeros):
     * {@code +12s  01:02:03  50  0  0  0  0  0}.
     */
    List<String> lines() {
        final List<String> lines = new ArrayList<>();
        if (seconds.isEmpty()) {
            return lines;
        }
        final long last = ((ConcurrentSkipListMap<Long, LongAdder[]>) seconds).lastKey();
        for (long s = 0; s <= last; s++) {
            final LongAdder[] counts = seconds.get(s);
            final long[] n = new long[STALE + 1];
            if (counts != null) {
                for (int i = 0; i < n.length; i++) {
                    n[i] = counts[i].sum();
                }
            }
            lines.add(String.format(Locale.ROOT, "%-8s %-9s %7d %7d %7d %7d %7d %7d", "+" + s + "s",
                    UTC_TIME.format(Instant.ofEpochMilli(startEpochMillis + s * 1_000)), n[0], n[1], n[2], n[3],
                    n[ERRORS], n[STALE]));
        }
        return lines;
    }

    /** The run's start, as wall-clock time. */
    Instant start() {
        return Instant.ofEpochMilli(startEpochMillis);
    }
}

package io.eventline.ratelimit.bench;

import io.eventline.ratelimit.Limit;
import io.eventline.ratelimit.LimitAlgorithm;
import io.eventline.ratelimit.LimitAlgorithms;
import io.eventline.ratelimit.RateLimitAlgorithm;
import io.eventline.ratelimit.Verdict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongPredicate;

/**
 * Feeds every rate-limiting algorithm the same burst pattern and prints, as Markdown, how many hits each admitted per
 * second and in its busiest one-second span. Deterministic: the pattern is fixed and so are the algorithms.
 * Run with {@code mvn -pl streams-app test-compile exec:java
 * -Dexec.mainClass=io.eventline.ratelimit.bench.AccuracyTable}.
 */
public final class AccuracyTable {

    private static final long REQUESTS = 10;
    private static final long UNIT = 1000;
    private static final long BURST = 10;

    private AccuracyTable() {
    }

    public static void main(String[] args) {
        final long[] pattern = pattern();
        System.out.printf(Locale.ROOT, "Limit %d per %d ms (token bucket capacity and leaking bucket queue: %d).%n",
                REQUESTS, UNIT, BURST);
        System.out.printf(Locale.ROOT, "Pattern, %d hits of 1: 30 spread over [900, 1000) ms, 30 over [1000, 1100) ms, "
                + "then 20 per second (one every 50 ms) over [2000, 5000) ms.%n"
                + "Accepted counts a hit when it is decided; released, when it leaves the leaking bucket's queue "
                + "(the same for the others). The busiest span is the one-second span [t, t + 1000) with the most.%n",
                pattern.length);
        final List<String> summary = new ArrayList<>();
        for (final RateLimitAlgorithm kind : RateLimitAlgorithm.values()) {
            summary.add(table(kind, pattern));
        }
        System.out.printf("%n### Summary%n%n| algorithm | offered | accepted | busiest 1-s span accepted "
                + "| largest state (bytes) |%n|---|---:|---:|---:|---:|%n");
        summary.forEach(System.out::println);
    }

    private static long[] pattern() {
        final List<Long> times = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            times.add(900 + i * 100L / 30);
        }
        for (int i = 0; i < 30; i++) {
            times.add(1000 + i * 100L / 30);
        }
        for (long at = 2000; at < 5000; at += 50) {
            times.add(at);
        }
        return times.stream().mapToLong(Long::longValue).toArray();
    }

    /** Prints the table of one algorithm and returns its summary row. */
    private static String table(RateLimitAlgorithm kind, long[] pattern) {
        final Limit limit = new Limit(kind, REQUESTS, UNIT, BURST);
        final LimitAlgorithm algorithm = LimitAlgorithms.of(kind);
        final List<Long> accepted = new ArrayList<>();
        final List<Long> released = new ArrayList<>();
        byte[] state = null;
        int largestState = 0;
        for (final long at : pattern) {
            final Verdict verdict = algorithm.decide(state, at, 1, limit);
            if (verdict.allowed()) {
                accepted.add(at);
                released.add(at + verdict.delayMillis());
                state = verdict.state();
                largestState = Math.max(largestState, state.length);
            }
        }
        System.out.printf(Locale.ROOT, "%n### %s%n%n| window (ms) | offered | accepted | released |%n"
                + "|---|---:|---:|---:|%n", kind);
        final long end = Math.max(pattern[pattern.length - 1], released.get(released.size() - 1));
        for (long start = 0; start <= end; start += UNIT) {
            row("[" + start + ", " + (start + UNIT) + ")", start, pattern, accepted, released);
        }
        final long busiest = busiestStart(accepted);
        row("busiest span of accepted [" + busiest + ", " + (busiest + UNIT) + ")", busiest, pattern, accepted,
                released);
        if (kind == RateLimitAlgorithm.LEAKING_BUCKET) {
            final long busiestOut = busiestStart(released);
            row("busiest span of released [" + busiestOut + ", " + (busiestOut + UNIT) + ")", busiestOut, pattern,
                    accepted, released);
        }
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |", kind, pattern.length, accepted.size(),
                count(accepted, within(busiest)), largestState);
    }

    private static void row(String label, long start, long[] pattern, List<Long> accepted, List<Long> released) {
        final LongPredicate span = within(start);
        final long offered = Arrays.stream(pattern).filter(span).count();
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d |%n", label, offered, count(accepted, span),
                count(released, span));
    }

    /** The earliest start of a one-second span holding the most of {@code times}; a busiest span starts at a time. */
    private static long busiestStart(List<Long> times) {
        long best = times.get(0);
        long bestCount = 0;
        for (final long start : times) {
            final long count = count(times, within(start));
            if (count > bestCount) {
                best = start;
                bestCount = count;
            }
        }
        return best;
    }

    private static LongPredicate within(long start) {
        return at -> at >= start && at < start + UNIT;
    }

    private static long count(List<Long> times, LongPredicate span) {
        return times.stream().filter(span::test).count();
    }
}

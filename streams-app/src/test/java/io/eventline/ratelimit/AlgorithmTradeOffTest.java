package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/** The trade-off each algorithm's Javadoc states, shown on the same traffic side by side. */
class AlgorithmTradeOffTest {

    private static final long UNIT = 1000;

    /** 10 hits every 10 ms over the last 100 ms of a second, 10 over the first 100 ms of the next. */
    private static final long[] EDGE_BURST = LongStream.concat(LongStream.range(0, 10).map(i -> 900 + 10 * i),
            LongStream.range(0, 10).map(i -> 1000 + 10 * i)).toArray();

    @Test
    void shouldLetTheFixedWindowAdmitTwiceTheLimitAcrossAnEdgeWhereTheLogAdmitsTheLimit() {
        // Given 10 per second and 20 hits within 200 ms across the edge of two windows

        // When
        final List<Long> fixed = admitted(RateLimitAlgorithm.FIXED_WINDOW, 10, EDGE_BURST);
        final List<Long> log = admitted(RateLimitAlgorithm.SLIDING_WINDOW_LOG, 10, EDGE_BURST);

        // Then the fixed window lets all 20 through in 190 ms, the log only the first 10
        assertThat(fixed).hasSize(20);
        assertThat(fixed.get(19) - fixed.get(0)).isLessThan(UNIT);
        assertThat(busiestSpan(fixed)).isEqualTo(20);
        assertThat(log).hasSize(10).allMatch(at -> at < 1000);
        assertThat(busiestSpan(log)).isEqualTo(10);
    }

    @Test
    void shouldLetTheSlidingWindowCounterOverAdmitWhenThePreviousWindowsHitsWereLate() {
        // Given the same edge burst; the counter assumes the first 10 spread over all of [0, 1000)

        // When
        final List<Long> counter = admitted(RateLimitAlgorithm.SLIDING_WINDOW_COUNTER, 10, EDGE_BURST);

        // Then at 1010 it estimates 0 + floor(10 × 990 / 1000) = 9 and admits one more: 11 within 200 ms, one
        // over the limit, where the fixed window let 20 through and the log 10
        assertThat(counter).hasSize(11).contains(1010L);
        assertThat(busiestSpan(counter)).isEqualTo(11);
    }

    @Test
    void shouldLetTheSlidingWindowCounterUnderAdmitWhenThePreviousWindowsHitsWereEarly() {
        // Given 10 hits over the first 100 ms of a second, then 10 over the first 100 ms of the next
        final long[] early = LongStream.concat(LongStream.range(0, 10).map(i -> 10 * i),
                LongStream.range(0, 10).map(i -> 1000 + 10 * i)).toArray();

        // When
        final List<Long> log = admitted(RateLimitAlgorithm.SLIDING_WINDOW_LOG, 10, early);
        final List<Long> counter = admitted(RateLimitAlgorithm.SLIDING_WINDOW_COUNTER, 10, early);

        // Then the log sees each early hit leave as a new one comes and admits all 20; the counter still weighs
        // the previous 10 at 90-100% and admits only 11
        assertThat(log).hasSize(20);
        assertThat(busiestSpan(log)).isEqualTo(10);
        assertThat(counter).hasSize(11);
    }

    @Test
    void shouldLetTheTokenBucketPassABurstThenHoldTheSteadyRate() {
        // Given 10 per second into a bucket of 5; 20 hits at t=0, then one every 50 ms (twice the rate) for 5 s
        final Limit limit = new Limit(RateLimitAlgorithm.TOKEN_BUCKET, 10, UNIT, 5);
        final long[] times = LongStream.concat(LongStream.range(0, 20).map(i -> 0),
                LongStream.rangeClosed(1, 100).map(i -> 50 * i)).toArray();

        // When
        final List<Long> admitted = admitted(limit, times);

        // Then the 5 of the burst pass at once, after that exactly one every 100 ms
        assertThat(admitted.subList(0, 5)).containsOnly(0L);
        assertThat(admitted.subList(5, admitted.size()))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 50).map(i -> 100 * i).boxed().toList());
        assertThat(admitted).hasSize(5 + 50);
    }

    @Test
    void shouldLetTheLeakingBucketReleaseABurstAtTheFixedRateAndDropTheExcess() {
        // Given 2 per second from a queue of 10, and a burst of 11 at t=0
        final Limit leaking = new Limit(RateLimitAlgorithm.LEAKING_BUCKET, 2, UNIT, 10);
        final Limit token = new Limit(RateLimitAlgorithm.TOKEN_BUCKET, 2, UNIT, 10);
        final long[] burst = new long[11];

        // When
        final List<Verdict> queued = verdicts(leaking, burst);
        final List<Verdict> passed = verdicts(token, burst);

        // Then the leaking bucket releases the 10 it queues exactly 500 ms apart (all came at t=0, so a release
        // time is the delay) and drops the 11th
        final List<Long> releases = queued.stream().filter(Verdict::allowed).map(Verdict::delayMillis).toList();
        assertThat(releases).containsExactlyElementsOf(LongStream.range(0, 10).map(i -> 500 * i).boxed().toList());
        assertThat(queued.get(10).allowed()).isFalse();
        // 10 releases over 10 intervals of 500 ms: 2 per 1000 ms, the limit
        final long outputSpan = releases.get(9) - releases.get(0) + 500;
        assertThat(releases.size() * UNIT).isEqualTo(leaking.requestsPerUnit() * outputSpan);
        // where a token bucket of the same size passes all 10 at once
        assertThat(passed.stream().filter(Verdict::allowed).map(Verdict::delayMillis)).hasSize(10).containsOnly(0L);
    }

    private static List<Long> admitted(RateLimitAlgorithm kind, long requests, long[] times) {
        return admitted(new Limit(kind, requests, UNIT, requests), times);
    }

    private static List<Long> admitted(Limit limit, long[] times) {
        final List<Verdict> verdicts = verdicts(limit, times);
        final List<Long> admitted = new ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            if (verdicts.get(i).allowed()) {
                admitted.add(times[i]);
            }
        }
        return admitted;
    }

    private static List<Verdict> verdicts(Limit limit, long[] times) {
        final LimitAlgorithm algorithm = LimitAlgorithms.of(limit.algorithm());
        final List<Verdict> verdicts = new ArrayList<>();
        byte[] state = null;
        for (final long at : times) {
            final Verdict verdict = algorithm.decide(state, at, 1, limit);
            verdicts.add(verdict);
            state = verdict.state();
        }
        return verdicts;
    }

    /** The most admitted hits within any span of one unit, [t, t + unit). */
    private static long busiestSpan(List<Long> admitted) {
        long busiest = 0;
        for (final long start : admitted) {
            busiest = Math.max(busiest, admitted.stream().filter(at -> at >= start && at < start + UNIT).count());
        }
        return busiest;
    }
}

package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What every algorithm promises, checked for each of them, and the {@link Limit} they share. */
class LimitAlgorithmTest {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void shouldDefaultBurstToRequestsPerUnit() {
        // Given
        final RateLimitRule rule = rule(RateLimitUnit.MINUTE, 42, null);

        // When
        final Limit limit = Limit.of(rule);

        // Then
        assertThat(limit).isEqualTo(new Limit(RateLimitAlgorithm.LEAKING_BUCKET, 42, 60_000, 42));
    }

    @Test
    void shouldTakeBurstFromRule() {
        assertThat(Limit.of(rule(RateLimitUnit.SECOND, 10, 25L)))
                .isEqualTo(new Limit(RateLimitAlgorithm.LEAKING_BUCKET, 10, 1000, 25));
    }

    @Test
    void shouldMapEachUnitToMillis() {
        assertThat(Limit.unitMillis(RateLimitUnit.SECOND)).isEqualTo(1000L);
        assertThat(Limit.unitMillis(RateLimitUnit.MINUTE)).isEqualTo(60_000L);
        assertThat(Limit.unitMillis(RateLimitUnit.HOUR)).isEqualTo(3_600_000L);
        assertThat(Limit.unitMillis(RateLimitUnit.DAY)).isEqualTo(86_400_000L);
        assertThat(Limit.unitMillis(RateLimitUnit.WEEK)).isEqualTo(604_800_000L);
    }

    @Test
    void shouldRejectLimitsOutsideTheBoundsThatKeepArithmeticExact() {
        final RateLimitAlgorithm algorithm = RateLimitAlgorithm.TOKEN_BUCKET;
        assertThatThrownBy(() -> new Limit(algorithm, 0, 1000, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit(algorithm, 1_000_000_001L, 1000, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit(algorithm, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit(algorithm, 1, 604_800_001L, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit(algorithm, 1, 1000, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit(null, 1, 1000, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldProvideOneStatelessInstancePerAlgorithm() {
        assertThat(LimitAlgorithms.of(RateLimitAlgorithm.TOKEN_BUCKET)).isInstanceOf(TokenBucket.class)
                .isSameAs(LimitAlgorithms.of(RateLimitAlgorithm.TOKEN_BUCKET));
        assertThat(LimitAlgorithms.of(RateLimitAlgorithm.LEAKING_BUCKET)).isInstanceOf(LeakingBucket.class);
        assertThat(LimitAlgorithms.of(RateLimitAlgorithm.FIXED_WINDOW)).isInstanceOf(FixedWindowCounter.class);
        assertThat(LimitAlgorithms.of(RateLimitAlgorithm.SLIDING_WINDOW_LOG)).isInstanceOf(SlidingWindowLog.class);
        assertThat(LimitAlgorithms.of(RateLimitAlgorithm.SLIDING_WINDOW_COUNTER))
                .isInstanceOf(SlidingWindowCounter.class);
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void shouldAllowZeroHitsWithoutTouchingState(RateLimitAlgorithm kind) {
        // Given a limit used up
        final Limit limit = new Limit(kind, 2, 1000, 2);
        final byte[] state = LimitAlgorithms.of(kind).decide(null, T0, 2, limit).state();

        // When
        final Verdict zero = LimitAlgorithms.of(kind).decide(state, T0 + 1, 0, limit);

        // Then
        assertThat(zero.allowed()).isTrue();
        assertThat(zero.state()).isSameAs(state);
        assertThat(zero).isEqualTo(LimitAlgorithms.of(kind).peek(state, T0 + 1, limit));
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void shouldCountNothingOnRejection(RateLimitAlgorithm kind) {
        // Given
        final Limit limit = new Limit(kind, 2, 1000, 2);
        final byte[] state = LimitAlgorithms.of(kind).decide(null, T0, 2, limit).state();

        // When
        final Verdict rejected = LimitAlgorithms.of(kind).decide(state, T0 + 1, 1, limit);

        // Then
        assertThat(rejected.allowed()).isFalse();
        assertThat(rejected.state()).isSameAs(state);
        assertThat(rejected.remaining()).isZero();
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void shouldTreatStateOfAnotherAlgorithmAsNoState(RateLimitAlgorithm kind) {
        final Limit limit = new Limit(kind, 3, 1000, 3);
        final Verdict fresh = LimitAlgorithms.of(kind).decide(null, T0 + 10, 1, limit);
        for (final RateLimitAlgorithm other : RateLimitAlgorithm.values()) {
            if (other == kind) {
                continue;
            }
            // Given
            final byte[] foreign = LimitAlgorithms.of(other).decide(null, T0, 3, new Limit(other, 3, 1000, 3)).state();

            // When
            final Verdict verdict = LimitAlgorithms.of(kind).decide(foreign, T0 + 10, 1, limit);

            // Then
            assertThat(verdict).as("%s state read by %s", other, kind).isEqualTo(fresh);
        }
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void shouldTreatMalformedStateAsNoState(RateLimitAlgorithm kind) {
        final Limit limit = new Limit(kind, 3, 1000, 3);
        final byte[] truncated = {(byte) kind.ordinal(), 1, 2};

        assertThat(LimitAlgorithms.of(kind).decide(truncated, T0, 1, limit))
                .isEqualTo(LimitAlgorithms.of(kind).decide(null, T0, 1, limit));
        assertThat(LimitAlgorithms.of(kind).decide(new byte[0], T0, 1, limit))
                .isEqualTo(LimitAlgorithms.of(kind).decide(null, T0, 1, limit));
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void shouldRejectNegativeHits(RateLimitAlgorithm kind) {
        assertThatThrownBy(() -> LimitAlgorithms.of(kind).decide(null, T0, -1, new Limit(kind, 3, 1000, 3)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void shouldRejectHitsThatCanNeverFitWithRetryAfterOfOneUnit(RateLimitAlgorithm kind) {
        // Given a fresh limit of 3 (and a capacity of 3)
        final Limit limit = new Limit(kind, 3, 1000, 3);

        // When
        final Verdict verdict = LimitAlgorithms.of(kind).decide(null, T0, 4, limit);

        // Then
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfterMillis()).isEqualTo(1000);
        assertThat(verdict.remaining()).isEqualTo(3);
        assertThat(verdict.state()).isNull();
        assertThat(verdict.expiresAt()).isEqualTo(T0);
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void shouldStayExactAtTheLargestLimitAndAfterYearsIdle(RateLimitAlgorithm kind) {
        // Given a billion per week, all of it taken at once
        final Limit limit = new Limit(kind, Limit.MAX_REQUESTS_PER_UNIT, Limit.MAX_UNIT_MILLIS,
                Limit.MAX_REQUESTS_PER_UNIT);
        final long weekStart = Math.floorDiv(T0, Limit.MAX_UNIT_MILLIS) * Limit.MAX_UNIT_MILLIS;
        final Verdict all = LimitAlgorithms.of(kind).decide(null, weekStart, Limit.MAX_REQUESTS_PER_UNIT, limit);

        // When
        final Verdict next = LimitAlgorithms.of(kind).decide(all.state(), weekStart, 1, limit);
        final Verdict yearsLater = LimitAlgorithms.of(kind).peek(all.state(), weekStart + 100L * 52 * 604_800_000L,
                limit);

        // Then
        assertThat(all.allowed()).isTrue();
        assertThat(all.remaining()).isZero();
        assertThat(next.allowed()).isFalse();
        assertThat(next.retryAfterMillis()).isPositive();
        assertThat(yearsLater.remaining()).isEqualTo(Limit.MAX_REQUESTS_PER_UNIT);
        assertThat(yearsLater.resetMillis()).isZero();
    }

    @ParameterizedTest(name = "{0}, {1} per {2} ms, burst {3}")
    @MethodSource("algorithmsAndLimits")
    void shouldKeepItsPromisesOverIrregularTraffic(RateLimitAlgorithm kind, long requests, long unitMillis,
                                                   long burst) {
        // Given
        final Limit limit = new Limit(kind, requests, unitMillis, burst);
        final LimitAlgorithm algorithm = LimitAlgorithms.of(kind);
        final long capacity = usesBurst(kind) ? burst : requests;
        final long maxHits = capacity > 10 ? capacity / 2 : Math.min(capacity, 3);
        final Random random = new Random(requests * 31 + unitMillis);
        byte[] state = null;
        long latest = T0;
        long now = T0;
        for (int step = 0; step < 1_000; step++) {
            now = random.nextInt(10) == 0 ? now - random.nextLong(unitMillis / 5 + 1)
                    : now + random.nextLong(unitMillis / 3 + 1);
            final long hits = random.nextInt(20) == 0 ? capacity + 1 : random.nextLong(maxHits + 1);
            final byte[] before = state == null ? null : state.clone();

            // When
            final Verdict verdict = algorithm.decide(state, now, hits, limit);

            // Then
            assertThat(state).as("input state untouched").isEqualTo(before);
            assertThat(verdict).as("deterministic").isEqualTo(algorithm.decide(state, now, hits, limit));
            assertGeneralPromises(verdict, state, now, hits, capacity, limit);
            if (now >= latest) {
                assertRetryAfterIsExact(algorithm, verdict, state, now, hits, capacity, limit);
                assertRemainingIsExact(algorithm, verdict, now, limit);
                assertExpiresAtIsExact(algorithm, verdict, now, limit);
                latest = now;
            }
            state = verdict.state();
        }
    }

    static Stream<Arguments> algorithmsAndLimits() {
        final List<Arguments> cases = new ArrayList<>();
        for (final RateLimitAlgorithm kind : RateLimitAlgorithm.values()) {
            cases.add(Arguments.of(kind, 5, 1000, 3));
            cases.add(Arguments.of(kind, 3, 1000, 4));
            cases.add(Arguments.of(kind, 7, 60_000, 10));
            cases.add(Arguments.of(kind, 2, 7, 1));
            cases.add(Arguments.of(kind, 1_000_000_000L, 604_800_000L, 1_000_000_000L));
        }
        return cases.stream();
    }

    private static void assertGeneralPromises(Verdict verdict, byte[] state, long now, long hits, long capacity,
                                              Limit limit) {
        assertThat(verdict.limit()).isEqualTo(limit.requestsPerUnit());
        assertThat(verdict.remaining()).isBetween(0L, capacity);
        assertThat(verdict.resetMillis()).isNotNegative();
        assertThat(verdict.expiresAt() - verdict.resetMillis()).as("effective now").isGreaterThanOrEqualTo(now);
        assertThat(verdict.retryAfterMillis() == 0).isEqualTo(verdict.allowed());
        if (hits == 0) {
            assertThat(verdict.allowed()).isTrue();
        }
        if (!verdict.allowed() || hits == 0) {
            assertThat(verdict.state()).isSameAs(state);
            assertThat(verdict.delayMillis()).isZero();
        }
        if (hits > capacity) {
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.retryAfterMillis()).isEqualTo(limit.unitMillis());
        }
        if (limit.algorithm() != RateLimitAlgorithm.LEAKING_BUCKET) {
            assertThat(verdict.delayMillis()).isZero();
        }
    }

    private static void assertRetryAfterIsExact(LimitAlgorithm algorithm, Verdict verdict, byte[] state, long now,
                                                long hits, long capacity, Limit limit) {
        if (verdict.allowed() || hits > capacity) {
            return;
        }
        final long retryAt = now + verdict.retryAfterMillis();
        assertThat(algorithm.decide(state, retryAt - 1, hits, limit).allowed()).as("just before retry").isFalse();
        assertThat(algorithm.decide(state, retryAt, hits, limit).allowed()).as("at retry").isTrue();
    }

    private static void assertRemainingIsExact(LimitAlgorithm algorithm, Verdict verdict, long now, Limit limit) {
        final long remaining = verdict.remaining();
        if (remaining > 0) {
            assertThat(algorithm.decide(verdict.state(), now, remaining, limit).allowed()).isTrue();
        }
        assertThat(algorithm.decide(verdict.state(), now, remaining + 1, limit).allowed()).isFalse();
    }

    private static void assertExpiresAtIsExact(LimitAlgorithm algorithm, Verdict verdict, long now, Limit limit) {
        final long expiresAt = verdict.expiresAt();
        assertThat(withoutState(algorithm.peek(verdict.state(), expiresAt, limit)))
                .isEqualTo(withoutState(algorithm.peek(null, expiresAt, limit)));
        assertThat(withoutState(algorithm.decide(verdict.state(), expiresAt, 1, limit)))
                .isEqualTo(withoutState(algorithm.decide(null, expiresAt, 1, limit)));
        if (expiresAt > now) {
            assertThat(algorithm.peek(verdict.state(), expiresAt - 1, limit).resetMillis()).as("not whole before")
                    .isPositive();
        }
    }

    private static Verdict withoutState(Verdict verdict) {
        return new Verdict(verdict.allowed(), verdict.limit(), verdict.remaining(), verdict.resetMillis(),
                verdict.retryAfterMillis(), verdict.delayMillis(), null, verdict.expiresAt());
    }

    private static boolean usesBurst(RateLimitAlgorithm kind) {
        return kind == RateLimitAlgorithm.TOKEN_BUCKET || kind == RateLimitAlgorithm.LEAKING_BUCKET;
    }

    private static RateLimitRule rule(RateLimitUnit unit, long requests, Long burst) {
        return RateLimitRule.newBuilder().setName("r").setMatch(List.of()).setUnit(unit).setRequestsPerUnit(requests)
                .setAlgorithm(RateLimitAlgorithm.LEAKING_BUCKET).setBurst(burst).setFailureMode(FailureMode.OPEN)
                .build();
    }
}

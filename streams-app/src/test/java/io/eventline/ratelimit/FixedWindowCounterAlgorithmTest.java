package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FixedWindowCounterAlgorithmTest {

    /** 3 per second, windows [0, 1000), [1000, 2000), ... */
    private static final Limit LIMIT = new Limit(RateLimitAlgorithm.FIXED_WINDOW, 3, 1000, 3);

    private final LimitAlgorithm counter = new FixedWindowCounter();

    @Test
    void shouldAdmitExactlyTheLimitThenRejectUntilTheWindowEnds() {
        // Given
        byte[] state = null;

        // When three hits arrive at t=200
        for (int i = 2; i >= 0; i--) {
            final Verdict verdict = counter.decide(state, 200, 1, LIMIT);
            assertThat(verdict.allowed()).isTrue();
            assertThat(verdict.remaining()).isEqualTo(i);
            assertThat(verdict.resetMillis()).isEqualTo(800);
            state = verdict.state();
        }
        final Verdict fourth = counter.decide(state, 700, 1, LIMIT);

        // Then the fourth waits for the next window
        assertThat(fourth.allowed()).isFalse();
        assertThat(fourth.retryAfterMillis()).isEqualTo(300);
        assertThat(fourth.remaining()).isZero();
        assertThat(counter.decide(state, 999, 1, LIMIT).retryAfterMillis()).isEqualTo(1);
        final Verdict nextWindow = counter.decide(state, 1000, 1, LIMIT);
        assertThat(nextWindow.allowed()).isTrue();
        assertThat(nextWindow.remaining()).isEqualTo(2);
        assertThat(nextWindow.resetMillis()).isEqualTo(1000);
    }

    @Test
    void shouldAlignWindowsToTheEpoch() {
        // Given a full window at t=1999, its last millisecond
        final byte[] full = counter.decide(null, 1999, 3, LIMIT).state();

        // When
        final Verdict next = counter.decide(full, 2000, 3, LIMIT);

        // Then
        assertThat(next.allowed()).isTrue();
        assertThat(next.resetMillis()).isEqualTo(1000);
    }

    @Test
    void shouldExpireAtTheEndOfTheWindow() {
        // Given one hit at t=200
        final Verdict one = counter.decide(null, 200, 1, LIMIT);

        // When
        final Verdict atEnd = counter.peek(one.state(), one.expiresAt(), LIMIT);

        // Then
        assertThat(one.expiresAt()).isEqualTo(1000);
        assertThat(atEnd).usingRecursiveComparison().ignoringFields("state").isEqualTo(counter.peek(null, 1000, LIMIT));
        assertThat(counter.peek(one.state(), 999, LIMIT).remaining()).isEqualTo(2);
        assertThat(counter.peek(null, 999, LIMIT).resetMillis()).isZero();
    }

    @Test
    void shouldCountSeveralHitsAtOnce() {
        // Given two hits
        final byte[] two = counter.decide(null, 0, 2, LIMIT).state();

        // When
        final Verdict twoMore = counter.decide(two, 100, 2, LIMIT);
        final Verdict oneMore = counter.decide(two, 100, 1, LIMIT);

        // Then
        assertThat(twoMore.allowed()).isFalse();
        assertThat(twoMore.retryAfterMillis()).isEqualTo(900);
        assertThat(oneMore.allowed()).isTrue();
        assertThat(oneMore.remaining()).isZero();
    }

    @Test
    void shouldRejectMoreHitsThanTheLimit() {
        final Verdict verdict = counter.decide(null, 0, 4, LIMIT);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfterMillis()).isEqualTo(1000);
        assertThat(verdict.remaining()).isEqualTo(3);
    }

    @Test
    void shouldCountALateHitInTheLatestWindow() {
        // Given two hits in the window starting at 1000
        final byte[] two = counter.decide(null, 1100, 2, LIMIT).state();

        // When a hit stamped in the previous window arrives
        final Verdict late = counter.decide(two, 990, 1, LIMIT);

        // Then it is counted in the latest window, which is now full
        assertThat(late.allowed()).isTrue();
        assertThat(late.resetMillis()).isEqualTo(1000);
        assertThat(late.expiresAt()).isEqualTo(2000);
        assertThat(counter.decide(late.state(), 1500, 1, LIMIT).allowed()).isFalse();
    }

    @Test
    void shouldIgnoreStateOfAnotherAlgorithm() {
        // Given a sliding window counter's state, full
        final byte[] foreign = new SlidingWindowCounter()
                .decide(null, 0, 3, new Limit(RateLimitAlgorithm.SLIDING_WINDOW_COUNTER, 3, 1000, 3)).state();

        // When
        final Verdict verdict = counter.decide(foreign, 0, 1, LIMIT);

        // Then
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.remaining()).isEqualTo(2);
    }

    @Test
    void shouldKeepStateAtThirteenBytes() {
        assertThat(counter.decide(null, 0, 1, LIMIT).state()).hasSize(13);
    }
}

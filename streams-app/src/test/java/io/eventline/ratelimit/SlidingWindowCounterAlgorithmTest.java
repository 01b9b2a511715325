package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlidingWindowCounterAlgorithmTest {

    /** The book's example: 7 per minute. */
    private static final Limit LIMIT = new Limit(RateLimitAlgorithm.SLIDING_WINDOW_COUNTER, 7, 60_000, 7);
    /** A window start: windows are aligned to multiples of a minute. */
    private static final long WINDOW = 600_000;

    private final LimitAlgorithm counter = new SlidingWindowCounter();

    @Test
    void shouldEstimateTheLastMinuteAsTheBookDoes() {
        // Given 5 hits in the previous minute and 3 in the current one
        final byte[] state = bookExample();

        // When a hit comes 30% into the current minute
        final Verdict verdict = counter.decide(state, WINDOW + 18_000, 1, LIMIT);

        // Then 3 + floor(5 × 70%) = 6 are estimated, so it is admitted, and no more
        assertThat(counter.peek(state, WINDOW + 18_000, LIMIT).remaining()).isEqualTo(1);
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.remaining()).isZero();
    }

    @Test
    void shouldRetryWhenThePreviousMinuteWeighsLittleEnough() {
        // Given the book's example after one more hit: 4 + floor(5 × 70%) = 7 at 30% in
        final byte[] full = counter.decide(bookExample(), WINDOW + 18_000, 1, LIMIT).state();

        // When
        final Verdict verdict = counter.decide(full, WINDOW + 18_000, 1, LIMIT);

        // Then it fits once floor(5 × (60000 − elapsed) / 60000) <= 2, from elapsed 24001
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfterMillis()).isEqualTo(6_001);
        assertThat(counter.decide(full, WINDOW + 24_000, 1, LIMIT).allowed()).isFalse();
        assertThat(counter.decide(full, WINDOW + 24_001, 1, LIMIT).allowed()).isTrue();
    }

    @Test
    void shouldRetryInTheNextWindowWhenTheCurrentOneIsFull() {
        // Given 7 hits early in a minute
        final byte[] full = counter.decide(null, WINDOW + 1_000, 7, LIMIT).state();

        // When
        final Verdict verdict = counter.decide(full, WINDOW + 1_000, 1, LIMIT);

        // Then next minute, once floor(7 × (60000 − elapsed) / 60000) <= 6: from elapsed 1, rounding down
        assertThat(verdict.retryAfterMillis()).isEqualTo(59_001);
        assertThat(counter.decide(full, WINDOW + 60_000, 1, LIMIT).allowed()).isFalse();
        assertThat(counter.decide(full, WINDOW + 60_001, 1, LIMIT).allowed()).isTrue();
    }

    @Test
    void shouldExpireWhenTheCountNoLongerWeighs() {
        // Given 4 hits in the current minute
        final Verdict four = counter.decide(null, WINDOW + 18_000, 4, LIMIT);

        // When
        final Verdict atExpiry = counter.peek(four.state(), four.expiresAt(), LIMIT);

        // Then they weigh floor(4 × (60000 − elapsed) / 60000) >= 1 next minute until elapsed 45001
        assertThat(four.expiresAt()).isEqualTo(WINDOW + 60_000 + 45_001);
        assertThat(four.resetMillis()).isEqualTo(42_000 + 45_001);
        assertThat(counter.peek(four.state(), WINDOW + 60_000 + 45_000, LIMIT).remaining()).isEqualTo(6);
        assertThat(atExpiry).usingRecursiveComparison().ignoringFields("state")
                .isEqualTo(counter.peek(null, four.expiresAt(), LIMIT));
    }

    @Test
    void shouldForgetCountsOlderThanThePreviousWindow() {
        // Given 7 hits in a minute
        final byte[] full = counter.decide(null, WINDOW, 7, LIMIT).state();

        // When the next hit comes two minutes later
        final Verdict verdict = counter.decide(full, WINDOW + 120_000, 7, LIMIT);

        // Then nothing of the old minute counts
        assertThat(verdict.allowed()).isTrue();
    }

    @Test
    void shouldRejectMoreHitsThanTheLimit() {
        final Verdict verdict = counter.decide(null, WINDOW, 8, LIMIT);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfterMillis()).isEqualTo(60_000);
        assertThat(verdict.remaining()).isEqualTo(7);
    }

    @Test
    void shouldNotLetTimeGoBackwards() {
        // Given the book's example, its last hits at 30% into the minute
        final byte[] state = bookExample();

        // When a hit stamped at 10% arrives (3 + floor(5 × 90%) + 1 = 8 there), then one stamped last minute
        final Verdict late = counter.decide(state, WINDOW + 6_000, 1, LIMIT);
        final Verdict veryLate = counter.decide(late.state(), WINDOW - 1_000, 1, LIMIT);

        // Then both are weighed at 30%: the first fits, the second does not
        assertThat(late.allowed()).isTrue();
        assertThat(veryLate.allowed()).isFalse();
        assertThat(veryLate.retryAfterMillis()).isEqualTo(6_001);
    }

    @Test
    void shouldIgnoreStateOfAnotherAlgorithm() {
        // Given a fixed window counter's state, full
        final byte[] foreign = new FixedWindowCounter()
                .decide(null, WINDOW, 7, new Limit(RateLimitAlgorithm.FIXED_WINDOW, 7, 60_000, 7)).state();

        // When
        final Verdict verdict = counter.decide(foreign, WINDOW, 1, LIMIT);

        // Then
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.remaining()).isEqualTo(6);
    }

    @Test
    void shouldKeepStateAtTwentyOneBytes() {
        assertThat(counter.decide(null, WINDOW, 1, LIMIT).state()).hasSize(21);
    }

    /** 5 hits 40 s into the previous minute, 3 in the current one at 30%. */
    private byte[] bookExample() {
        final byte[] previous = counter.decide(null, WINDOW - 20_000, 5, LIMIT).state();
        return counter.decide(previous, WINDOW + 18_000, 3, LIMIT).state();
    }
}

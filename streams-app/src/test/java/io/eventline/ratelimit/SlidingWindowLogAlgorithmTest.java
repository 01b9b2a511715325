package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlidingWindowLogAlgorithmTest {

    /** 3 per second; a hit at t counts until t + 1000, exclusive. */
    private static final Limit LIMIT = new Limit(RateLimitAlgorithm.SLIDING_WINDOW_LOG, 3, 1000, 3);

    private final LimitAlgorithm log = new SlidingWindowLog();

    @Test
    void shouldAdmitExactlyTheLimitThenRejectUntilTheOldestLeaves() {
        // Given hits at 100, 200 and 300
        byte[] state = null;
        for (final long at : new long[] {100, 200, 300}) {
            final Verdict verdict = log.decide(state, at, 1, LIMIT);
            assertThat(verdict.allowed()).isTrue();
            state = verdict.state();
        }

        // When
        final Verdict fourth = log.decide(state, 400, 1, LIMIT);

        // Then the fourth waits until the hit at 100 leaves the window, at 1100
        assertThat(fourth.allowed()).isFalse();
        assertThat(fourth.retryAfterMillis()).isEqualTo(700);
        assertThat(fourth.remaining()).isZero();
        assertThat(fourth.resetMillis()).isEqualTo(900);
        assertThat(log.decide(state, 1099, 1, LIMIT).allowed()).isFalse();
        final Verdict onTime = log.decide(state, 1100, 1, LIMIT);
        assertThat(onTime.allowed()).isTrue();
        assertThat(onTime.remaining()).isZero();
        assertThat(onTime.resetMillis()).isEqualTo(1000);
    }

    @Test
    void shouldExpireWhenTheNewestHitLeaves() {
        // Given hits at 100 and 300
        final byte[] first = log.decide(null, 100, 1, LIMIT).state();
        final Verdict second = log.decide(first, 300, 1, LIMIT);

        // When
        final Verdict peek = log.peek(second.state(), 400, LIMIT);
        final Verdict atExpiry = log.peek(second.state(), second.expiresAt(), LIMIT);

        // Then
        assertThat(second.expiresAt()).isEqualTo(1300);
        assertThat(peek.remaining()).isEqualTo(1);
        assertThat(peek.resetMillis()).isEqualTo(900);
        assertThat(log.peek(second.state(), 1299, LIMIT).remaining()).isEqualTo(2);
        assertThat(atExpiry).usingRecursiveComparison().ignoringFields("state").isEqualTo(log.peek(null, 1300, LIMIT));
    }

    @Test
    void shouldRetrySeveralHitsWhenEnoughOldOnesHaveLeft() {
        // Given two hits at 100 and one at 200
        final byte[] two = log.decide(null, 100, 2, LIMIT).state();
        final byte[] three = log.decide(two, 200, 1, LIMIT).state();

        // When
        final Verdict twoMore = log.decide(three, 500, 2, LIMIT);

        // Then both leave at 1100, making room for two
        assertThat(twoMore.allowed()).isFalse();
        assertThat(twoMore.retryAfterMillis()).isEqualTo(600);
        final Verdict admitted = log.decide(three, 1100, 2, LIMIT);
        assertThat(admitted.allowed()).isTrue();
        assertThat(log.decide(admitted.state(), 1199, 1, LIMIT).retryAfterMillis()).isEqualTo(1);
    }

    @Test
    void shouldKeepOneEntryPerMillisecondAndDropExpiredOnes() {
        // Given a limit of 10
        final Limit limit = new Limit(RateLimitAlgorithm.SLIDING_WINDOW_LOG, 10, 1000, 10);

        // When
        final byte[] sameMillisecond = log.decide(log.decide(null, 0, 4, limit).state(), 0, 1, limit).state();
        final byte[] threeMilliseconds =
                log.decide(log.decide(sameMillisecond, 1, 1, limit).state(), 2, 1, limit).state();
        final byte[] afterAWhile = log.decide(threeMilliseconds, 1002, 1, limit).state();

        // Then a state is 9 bytes plus 8 per entry
        assertThat(sameMillisecond).hasSize(17);
        assertThat(threeMilliseconds).hasSize(33);
        assertThat(afterAWhile).hasSize(17);
        assertThat(log.peek(afterAWhile, 1002, limit).remaining()).isEqualTo(9);
    }

    @Test
    void shouldNotLogRejectedHits() {
        // Given a full log
        final byte[] full = log.decide(null, 0, 3, LIMIT).state();

        // When hits keep coming
        final Verdict rejected = log.decide(full, 500, 1, LIMIT);

        // Then the log stays as it was and they do not push the retry further
        assertThat(rejected.state()).isSameAs(full);
        assertThat(log.decide(full, 1000, 3, LIMIT).allowed()).isTrue();
    }

    @Test
    void shouldRejectMoreHitsThanTheLimit() {
        final Verdict verdict = log.decide(null, 0, 4, LIMIT);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfterMillis()).isEqualTo(1000);
        assertThat(verdict.remaining()).isEqualTo(3);
    }

    @Test
    void shouldLogALateHitAtTheLatestTime() {
        // Given two hits at t=1000
        final byte[] two = log.decide(null, 1000, 2, LIMIT).state();

        // When a hit stamped t=900 arrives
        final Verdict late = log.decide(two, 900, 1, LIMIT);

        // Then it is logged at t=1000 and leaves with the others at t=2000
        assertThat(late.allowed()).isTrue();
        assertThat(late.expiresAt()).isEqualTo(2000);
        assertThat(log.decide(late.state(), 1999, 1, LIMIT).allowed()).isFalse();
        assertThat(log.peek(late.state(), 2000, LIMIT).remaining()).isEqualTo(3);
    }

    @Test
    void shouldIgnoreStateOfAnotherAlgorithm() {
        // Given a fixed window counter's state, full
        final byte[] foreign = new FixedWindowCounter()
                .decide(null, 0, 3, new Limit(RateLimitAlgorithm.FIXED_WINDOW, 3, 1000, 3)).state();

        // When
        final Verdict verdict = log.decide(foreign, 0, 1, LIMIT);

        // Then
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.remaining()).isEqualTo(2);
    }
}

package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeakingBucketAlgorithmTest {

    /** Drains 2 per second, one every 500 ms, from a queue of 10. */
    private static final Limit LIMIT = new Limit(RateLimitAlgorithm.LEAKING_BUCKET, 2, 1000, 10);

    private final LimitAlgorithm bucket = new LeakingBucket();

    @Test
    void shouldQueueTenAtOneIntervalApartAndDropTheEleventh() {
        // Given an empty queue
        byte[] state = null;

        // When eleven requests arrive at t=0
        for (int i = 0; i < 10; i++) {
            final Verdict verdict = bucket.decide(state, 0, 1, LIMIT);

            // Then the first ten are released one every 500 ms, the first at once
            assertThat(verdict.allowed()).isTrue();
            assertThat(verdict.delayMillis()).isEqualTo(500L * i);
            assertThat(verdict.remaining()).isEqualTo(9 - i);
            state = verdict.state();
        }
        final Verdict eleventh = bucket.decide(state, 0, 1, LIMIT);

        // And the eleventh finds the queue full
        assertThat(eleventh.allowed()).isFalse();
        assertThat(eleventh.delayMillis()).isZero();
        assertThat(eleventh.retryAfterMillis()).isEqualTo(500);
        assertThat(eleventh.resetMillis()).isEqualTo(5000);
        assertThat(eleventh.state()).isSameAs(state);
    }

    @Test
    void shouldFreeOneSlotPerEmissionInterval() {
        // Given a full queue at t=0
        final byte[] full = bucket.decide(null, 0, 10, LIMIT).state();

        // When
        final Verdict early = bucket.decide(full, 499, 1, LIMIT);
        final Verdict onTime = bucket.decide(full, 500, 1, LIMIT);

        // Then the one admitted leaves after the ten before it
        assertThat(early.allowed()).isFalse();
        assertThat(early.retryAfterMillis()).isEqualTo(1);
        assertThat(onTime.allowed()).isTrue();
        assertThat(onTime.delayMillis()).isEqualTo(4500);
        assertThat(onTime.remaining()).isZero();
    }

    @Test
    void shouldExpireOnceTheQueueHasDrained() {
        // Given a full queue at t=0
        final Verdict full = bucket.decide(null, 0, 10, LIMIT);

        // When
        final Verdict drained = bucket.peek(full.state(), full.expiresAt(), LIMIT);
        final Verdict partly = bucket.peek(full.state(), 1200, LIMIT);

        // Then
        assertThat(full.expiresAt()).isEqualTo(5000);
        assertThat(drained).usingRecursiveComparison().ignoringFields("state")
                .isEqualTo(bucket.peek(null, 5000, LIMIT));
        assertThat(bucket.decide(full.state(), 5000, 1, LIMIT).delayMillis()).isZero();
        assertThat(partly.remaining()).isEqualTo(2);
        assertThat(partly.resetMillis()).isEqualTo(3800);
    }

    @Test
    void shouldQueueSeveralHitsAsOneRequestOfThatWeight() {
        // Given three hits queued at t=0
        final Verdict three = bucket.decide(null, 0, 3, LIMIT);

        // When two more come
        final Verdict two = bucket.decide(three.state(), 0, 2, LIMIT);

        // Then they start after the 1500 ms the three take
        assertThat(three.delayMillis()).isZero();
        assertThat(three.remaining()).isEqualTo(7);
        assertThat(three.resetMillis()).isEqualTo(1500);
        assertThat(two.delayMillis()).isEqualTo(1500);
        assertThat(two.remaining()).isEqualTo(5);
    }

    @Test
    void shouldRetryWhenEnoughSlotsAreFreeForAllHits() {
        // Given a queue of 8 at t=0
        final byte[] eight = bucket.decide(null, 0, 8, LIMIT).state();

        // When
        final Verdict verdict = bucket.decide(eight, 0, 4, LIMIT);

        // Then two slots must drain first
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfterMillis()).isEqualTo(1000);
        assertThat(bucket.decide(eight, 1000, 4, LIMIT).delayMillis()).isEqualTo(3000);
    }

    @Test
    void shouldRejectMoreHitsThanTheQueueHolds() {
        final Verdict verdict = bucket.decide(null, 0, 11, LIMIT);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfterMillis()).isEqualTo(1000);
        assertThat(verdict.remaining()).isEqualTo(10);
    }

    @Test
    void shouldRoundDelaysUpAtAnUnevenRateWithoutDrift() {
        // Given 3 per second: one every 333⅓ ms
        final Limit limit = new Limit(RateLimitAlgorithm.LEAKING_BUCKET, 3, 1000, 3);
        byte[] state = null;
        final long[] delays = new long[3];

        // When three arrive at t=0
        for (int i = 0; i < delays.length; i++) {
            final Verdict verdict = bucket.decide(state, 0, 1, limit);
            delays[i] = verdict.delayMillis();
            state = verdict.state();
        }

        // Then no one leaves early and the queue is empty after exactly one second
        assertThat(delays).containsExactly(0, 334, 667);
        assertThat(bucket.peek(state, 0, limit).resetMillis()).isEqualTo(1000);
        assertThat(bucket.decide(state, 1000, 1, limit).delayMillis()).isZero();
    }

    @Test
    void shouldNotLetTimeGoBackwards() {
        // Given one request queued at t=1000
        final byte[] one = bucket.decide(null, 1000, 1, LIMIT).state();

        // When a request stamped 200 ms earlier arrives
        final Verdict late = bucket.decide(one, 800, 1, LIMIT);

        // Then it queues behind the first as if at t=1000
        assertThat(late.delayMillis()).isEqualTo(500);
        assertThat(late.expiresAt()).isEqualTo(2000);
        assertThat(late.resetMillis()).isEqualTo(1000);
    }

    @Test
    void shouldIgnoreStateOfAnotherAlgorithm() {
        // Given a token bucket's state, its bucket empty
        final byte[] foreign = new TokenBucket()
                .decide(null, 0, 10, new Limit(RateLimitAlgorithm.TOKEN_BUCKET, 2, 1000, 10)).state();

        // When
        final Verdict verdict = bucket.decide(foreign, 0, 1, LIMIT);

        // Then the queue starts empty
        assertThat(verdict.delayMillis()).isZero();
        assertThat(verdict.remaining()).isEqualTo(9);
    }

    @Test
    void shouldKeepStateAtSeventeenBytes() {
        assertThat(bucket.decide(null, 0, 1, LIMIT).state()).hasSize(17);
    }
}

package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketAlgorithmTest {

    /** 10 per second, so one token every 100 ms, into a bucket of 5. */
    private static final Limit LIMIT = new Limit(RateLimitAlgorithm.TOKEN_BUCKET, 10, 1000, 5);

    private final LimitAlgorithm bucket = new TokenBucket();

    @Test
    void shouldAdmitExactlyTheBurstThenRejectUntilOneTokenRefills() {
        // Given a full bucket
        byte[] state = null;

        // When five hits arrive at once
        for (int i = 4; i >= 0; i--) {
            final Verdict verdict = bucket.decide(state, 0, 1, LIMIT);
            assertThat(verdict.allowed()).isTrue();
            assertThat(verdict.remaining()).isEqualTo(i);
            state = verdict.state();
        }
        final Verdict sixth = bucket.decide(state, 0, 1, LIMIT);

        // Then the sixth waits for one token
        assertThat(sixth.allowed()).isFalse();
        assertThat(sixth.retryAfterMillis()).isEqualTo(100);
        assertThat(sixth.remaining()).isZero();
        assertThat(sixth.resetMillis()).isEqualTo(500);
        assertThat(sixth.state()).isSameAs(state);
    }

    @Test
    void shouldAdmitAgainOnceATokenHasRefilled() {
        // Given an empty bucket at t=0
        final byte[] empty = bucket.decide(null, 0, 5, LIMIT).state();

        // When
        final Verdict early = bucket.decide(empty, 99, 1, LIMIT);
        final Verdict onTime = bucket.decide(empty, 100, 1, LIMIT);

        // Then
        assertThat(early.allowed()).isFalse();
        assertThat(early.retryAfterMillis()).isEqualTo(1);
        assertThat(onTime.allowed()).isTrue();
        assertThat(onTime.remaining()).isZero();
    }

    @Test
    void shouldRefillUpToCapacityAndExpireWhenFull() {
        // Given an empty bucket at t=1000
        final Verdict drained = bucket.decide(null, 1000, 5, LIMIT);

        // When
        final Verdict halfway = bucket.peek(drained.state(), 1250, LIMIT);
        final Verdict full = bucket.peek(drained.state(), drained.expiresAt(), LIMIT);
        final Verdict muchLater = bucket.peek(drained.state(), 100_000, LIMIT);

        // Then
        assertThat(drained.resetMillis()).isEqualTo(500);
        assertThat(drained.expiresAt()).isEqualTo(1500);
        assertThat(halfway.remaining()).isEqualTo(2);
        assertThat(halfway.resetMillis()).isEqualTo(250);
        assertThat(full).usingRecursiveComparison().ignoringFields("state").isEqualTo(bucket.peek(null, 1500, LIMIT));
        assertThat(muchLater.remaining()).isEqualTo(5);
    }

    @Test
    void shouldTakeOneTokenPerHit() {
        // Given three tokens taken at once
        final Verdict three = bucket.decide(null, 0, 3, LIMIT);

        // When three more are asked for
        final Verdict again = bucket.decide(three.state(), 0, 3, LIMIT);

        // Then they wait for the one token missing
        assertThat(three.remaining()).isEqualTo(2);
        assertThat(three.resetMillis()).isEqualTo(300);
        assertThat(again.allowed()).isFalse();
        assertThat(again.retryAfterMillis()).isEqualTo(100);
        assertThat(bucket.decide(three.state(), 100, 3, LIMIT).allowed()).isTrue();
    }

    @Test
    void shouldRejectMoreHitsThanTheBucketHolds() {
        final Verdict verdict = bucket.decide(null, 0, 6, LIMIT);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfterMillis()).isEqualTo(1000);
        assertThat(verdict.remaining()).isEqualTo(5);
        assertThat(verdict.resetMillis()).isZero();
    }

    @Test
    void shouldRefillAtAnUnevenRateWithoutDrift() {
        // Given 3 per second (a token every 333⅓ ms) and a bucket of 2, emptied at t=0; it never fills up below
        final Limit limit = new Limit(RateLimitAlgorithm.TOKEN_BUCKET, 3, 1000, 2);
        byte[] state = bucket.decide(null, 0, 2, limit).state();
        final long[] admittedAt = new long[6];

        // When each next hit comes exactly when told to retry
        long now = 0;
        for (int i = 0; i < admittedAt.length; i++) {
            now += bucket.decide(state, now, 1, limit).retryAfterMillis();
            final Verdict verdict = bucket.decide(state, now, 1, limit);
            assertThat(verdict.allowed()).isTrue();
            admittedAt[i] = now;
            state = verdict.state();
        }

        // Then exactly three are admitted per second
        assertThat(admittedAt).containsExactly(334, 667, 1000, 1334, 1667, 2000);
    }

    @Test
    void shouldNotLetTimeGoBackwards() {
        // Given 4 tokens taken at t=1000, one left
        final byte[] oneLeft = bucket.decide(null, 1000, 4, LIMIT).state();

        // When a hit stamped 50 ms earlier (another machine's clock) takes the last one
        final Verdict late = bucket.decide(oneLeft, 950, 1, LIMIT);
        final Verdict next = bucket.decide(late.state(), 1050, 1, LIMIT);

        // Then it counts as at t=1000, and the refill starts from there
        assertThat(late.allowed()).isTrue();
        assertThat(late.resetMillis()).isEqualTo(500);
        assertThat(late.expiresAt()).isEqualTo(1500);
        assertThat(next.allowed()).isFalse();
        assertThat(next.retryAfterMillis()).isEqualTo(50);
    }

    @Test
    void shouldIgnoreStateOfAnotherAlgorithm() {
        // Given a fixed window counter's state, its window full
        final byte[] foreign = new FixedWindowCounter()
                .decide(null, 0, 5, new Limit(RateLimitAlgorithm.FIXED_WINDOW, 5, 1000, 5)).state();

        // When
        final Verdict verdict = bucket.decide(foreign, 0, 1, LIMIT);

        // Then the bucket starts full
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.remaining()).isEqualTo(4);
    }

    @Test
    void shouldKeepStateAtSeventeenBytes() {
        assertThat(bucket.decide(null, 0, 1, LIMIT).state()).hasSize(17);
    }
}

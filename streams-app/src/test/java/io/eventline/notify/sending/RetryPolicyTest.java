package io.eventline.notify.sending;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.notify.NotifyTopics;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final RetryPolicy POLICY = RetryPolicy.DEFAULT;

    @Test
    void shouldDefaultToFiveAttemptsOnTiersOfFiveSecondsOneMinuteAndTenMinutes() {
        assertThat(POLICY.maxAttempts()).isEqualTo(5);
        assertThat(POLICY.tierDelays())
                .containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(10));
        assertThat(POLICY.baseBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(POLICY.multiplier()).isEqualTo(2.0);
    }

    @Test
    void shouldDoubleTheBackoffPerFailedAttemptWithinTheJitterRange() {
        // Given a random source at its extremes
        final RandomGenerator lowest = fixed(0.0);
        final RandomGenerator highest = fixed(0.999_999);

        // Then half of each wait is fixed and half random ("equal jitter")
        assertThat(POLICY.delayAfter(1, null, lowest)).isEqualTo(Duration.ofMillis(2_500));
        assertThat(POLICY.delayAfter(1, null, highest)).isEqualTo(Duration.ofMillis(5_000));
        assertThat(POLICY.delayAfter(2, null, lowest)).isEqualTo(Duration.ofSeconds(5));
        assertThat(POLICY.delayAfter(2, null, highest)).isEqualTo(Duration.ofSeconds(10));
        assertThat(POLICY.delayAfter(4, null, highest)).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void shouldCapTheBackoffAtTheLongestTier() {
        assertThat(POLICY.delayAfter(30, null, fixed(0.999_999))).isEqualTo(Duration.ofMinutes(10));
        assertThat(POLICY.delayAfter(30, null, fixed(0.0))).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldNeverWaitLessThanTheProvidersRetryAfter() {
        assertThat(POLICY.delayAfter(1, Duration.ofSeconds(30), fixed(0.5))).isEqualTo(Duration.ofSeconds(30));
        assertThat(POLICY.delayAfter(1, Duration.ofHours(1), fixed(0.5))).isEqualTo(Duration.ofHours(1));
        assertThat(POLICY.delayAfter(3, Duration.ofMillis(1), fixed(0.0))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldSpreadWaitsOverTheJitterRange() {
        final RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        for (int i = 0; i < 1_000; i++) {
            assertThat(POLICY.delayAfter(2, null, random)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldPickTheShortestTierThatCoversTheWait() {
        assertThat(POLICY.tierFor(Duration.ZERO)).isEqualTo(NotifyTopics.RETRY_5S);
        assertThat(POLICY.tierFor(Duration.ofSeconds(5))).isEqualTo(NotifyTopics.RETRY_5S);
        assertThat(POLICY.tierFor(Duration.ofMillis(5_001))).isEqualTo(NotifyTopics.RETRY_1M);
        assertThat(POLICY.tierFor(Duration.ofSeconds(40))).isEqualTo(NotifyTopics.RETRY_1M);
        assertThat(POLICY.tierFor(Duration.ofMinutes(2))).isEqualTo(NotifyTopics.RETRY_10M);
        assertThat(POLICY.tierFor(Duration.ofHours(1))).isEqualTo(NotifyTopics.RETRY_10M);
    }

    @Test
    void shouldRetryUntilTheLastAttempt() {
        assertThat(POLICY.shouldRetry(1)).isTrue();
        assertThat(POLICY.shouldRetry(4)).isTrue();
        assertThat(POLICY.shouldRetry(5)).isFalse();
    }

    @Test
    void shouldRejectTierDelaysThatDoNotMatchTheRetryTopics() {
        assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3,
                List.of(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofMinutes(10)),
                Duration.ofSeconds(1), 2.0, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }
}

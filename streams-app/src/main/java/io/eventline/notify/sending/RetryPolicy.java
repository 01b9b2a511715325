package io.eventline.notify.sending;

import io.eventline.notify.NotificationDelivery;
import io.eventline.notify.NotifyTopics;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how long apart a delivery is tried again after a transient failure.
 *
 * <p>The wait after the n-th failed attempt is {@code baseBackoff · multiplier^(n-1)}, capped at the longest
 * tier, of which the fraction {@code jitter} is random (0.5 is "equal jitter": half fixed, half random), and
 * never shorter than the provider's Retry-After. The delivery then waits on the shortest retry tier whose delay
 * covers that wait.
 *
 * @param maxAttempts how many calls a delivery gets in all, the first one included; at least 1
 * @param tierDelays  the nominal wait of each retry topic in {@link NotifyTopics#RETRIES}, shortest first
 * @param baseBackoff the wait after the first failed attempt, before jitter
 * @param multiplier  the growth of the wait per failed attempt; at least 1
 * @param jitter      the random fraction of each wait, from 0 (none) to 1 (all of it)
 */
public record RetryPolicy(int maxAttempts, List<Duration> tierDelays, Duration baseBackoff, double multiplier,
                          double jitter) {

    /** Five attempts, waits of about 5 s, 10 s, 20 s and 40 s on tiers of 5 s, 1 min and 10 min. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5,
            List.of(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(10)),
            Duration.ofSeconds(5), 2.0, 0.5);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        tierDelays = List.copyOf(tierDelays);
        if (tierDelays.size() != NotifyTopics.RETRIES.size()) {
            throw new IllegalArgumentException("Need one delay per retry topic (" + NotifyTopics.RETRIES.size()
                    + "), got " + tierDelays);
        }
        for (int i = 0; i < tierDelays.size(); i++) {
            if (tierDelays.get(i).isNegative() || i > 0 && tierDelays.get(i).compareTo(tierDelays.get(i - 1)) < 0) {
                throw new IllegalArgumentException("Tier delays must be non-negative and ascending: " + tierDelays);
            }
        }
        Objects.requireNonNull(baseBackoff, "baseBackoff");
        if (baseBackoff.isNegative()) {
            throw new IllegalArgumentException("baseBackoff must not be negative: " + baseBackoff);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be within [0, 1], got " + jitter);
        }
    }

    /** The defaults with other tier delays, base backoff and attempt count, e.g. short ones for tests. */
    public static RetryPolicy of(int maxAttempts, Duration baseBackoff, Duration... tierDelays) {
        return new RetryPolicy(maxAttempts, List.of(tierDelays), baseBackoff, DEFAULT.multiplier, DEFAULT.jitter);
    }

    /** Whether a delivery whose attempt number {@code failedAttempt} failed transiently gets another one. */
    public boolean shouldRetry(int failedAttempt) {
        return failedAttempt < maxAttempts;
    }

    /**
     * How long to wait before the attempt after {@code failedAttempt} (1 for the first call).
     *
     * @param retryAfter the provider's Retry-After, or null
     */
    public Duration delayAfter(int failedAttempt, Duration retryAfter, RandomGenerator random) {
        final long capMillis = longestTier().toMillis();
        final double exponential = baseBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
        final double capped = Math.min(exponential, capMillis);
        final long jittered = Math.round(capped * (1.0 - jitter) + capped * jitter * random.nextDouble());
        final Duration backoff = Duration.ofMillis(jittered);
        return retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
    }

    /** The retry topic for a wait of {@code delay}: the shortest tier at least that long, else the longest. */
    public Topic<NotificationDelivery> tierFor(Duration delay) {
        return NotifyTopics.RETRIES.get(tierIndex(delay));
    }

    /** The position in {@link NotifyTopics#RETRIES} of {@link #tierFor(Duration)}. */
    public int tierIndex(Duration delay) {
        for (int i = 0; i < tierDelays.size(); i++) {
            if (tierDelays.get(i).compareTo(delay) >= 0) {
                return i;
            }
        }
        return tierDelays.size() - 1;
    }

    private Duration longestTier() {
        return tierDelays.get(tierDelays.size() - 1);
    }
}

package io.eventline.ratelimit;

import java.util.Objects;

/**
 * A limit as an algorithm applies it: {@code requestsPerUnit} hits per {@code unitMillis}. {@code burst} is the token
 * bucket's capacity and the leaking bucket's queue size; the window algorithms ignore it. It defaults to
 * {@code requestsPerUnit}.
 *
 * <p>The bounds (at most {@value #MAX_REQUESTS_PER_UNIT} requests or burst, a unit of at most a week) keep the
 * product of any two of them within a {@code long}, which the algorithms' integer arithmetic relies on.
 */
public record Limit(RateLimitAlgorithm algorithm, long requestsPerUnit, long unitMillis, long burst) {

    /** The largest {@code requestsPerUnit} and {@code burst}. */
    public static final long MAX_REQUESTS_PER_UNIT = 1_000_000_000L;
    /** The longest unit: a week. */
    public static final long MAX_UNIT_MILLIS = 7L * 24 * 60 * 60 * 1000;

    public Limit {
        Objects.requireNonNull(algorithm, "algorithm");
        requireRange("requestsPerUnit", requestsPerUnit, MAX_REQUESTS_PER_UNIT);
        requireRange("unitMillis", unitMillis, MAX_UNIT_MILLIS);
        requireRange("burst", burst, MAX_REQUESTS_PER_UNIT);
    }

    /** The limit a rule describes; a rule without a burst gets {@code requestsPerUnit}. */
    public static Limit of(RateLimitRule rule) {
        final Long burst = rule.getBurst();
        return new Limit(rule.getAlgorithm(), rule.getRequestsPerUnit(), unitMillis(rule.getUnit()),
                burst == null ? rule.getRequestsPerUnit() : burst);
    }

    public static long unitMillis(RateLimitUnit unit) {
        return switch (unit) {
            case SECOND -> 1000L;
            case MINUTE -> 60L * 1000;
            case HOUR -> 60L * 60 * 1000;
            case DAY -> 24L * 60 * 60 * 1000;
            case WEEK -> MAX_UNIT_MILLIS;
        };
    }

    private static void requireRange(String name, long value, long max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(name + " must be in [1, " + max + "], was " + value);
        }
    }
}

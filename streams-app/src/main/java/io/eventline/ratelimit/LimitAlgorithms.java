package io.eventline.ratelimit;

/** The {@link LimitAlgorithm} of each {@link RateLimitAlgorithm}; they are stateless, so one instance each. */
public final class LimitAlgorithms {

    private static final LimitAlgorithm TOKEN_BUCKET = new TokenBucket();
    private static final LimitAlgorithm LEAKING_BUCKET = new LeakingBucket();
    private static final LimitAlgorithm FIXED_WINDOW = new FixedWindowCounter();
    private static final LimitAlgorithm SLIDING_WINDOW_LOG = new SlidingWindowLog();
    private static final LimitAlgorithm SLIDING_WINDOW_COUNTER = new SlidingWindowCounter();

    private LimitAlgorithms() {
    }

    public static LimitAlgorithm of(RateLimitAlgorithm algorithm) {
        return switch (algorithm) {
            case TOKEN_BUCKET -> TOKEN_BUCKET;
            case LEAKING_BUCKET -> LEAKING_BUCKET;
            case FIXED_WINDOW -> FIXED_WINDOW;
            case SLIDING_WINDOW_LOG -> SLIDING_WINDOW_LOG;
            case SLIDING_WINDOW_COUNTER -> SLIDING_WINDOW_COUNTER;
        };
    }

    static void requireHits(long hits) {
        if (hits < 0) {
            throw new IllegalArgumentException("hits must not be negative, was " + hits);
        }
    }

    /** Division rounded up, for a non-negative dividend and a positive divisor (Math.ceilDiv is Java 18+). */
    static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}

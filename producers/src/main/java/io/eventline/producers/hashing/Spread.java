package io.eventline.producers.hashing;

import java.util.Arrays;

/**
 * How evenly a load is spread over instances: the most and least loaded against the mean, and the standard
 * deviation against the mean (the coefficient of variation, what "10% variance" loosely means).
 */
public record Spread(double maxOverMean, double minOverMean, double sdOverMean) {

    public static Spread of(long[] loads) {
        if (loads.length == 0) {
            throw new IllegalArgumentException("no instances");
        }
        final double mean = Arrays.stream(loads).sum() / (double) loads.length;
        if (mean == 0) {
            return new Spread(1, 1, 0);
        }
        final double variance = Arrays.stream(loads).mapToDouble(load -> (load - mean) * (load - mean)).sum()
                / loads.length;
        return new Spread(Arrays.stream(loads).max().orElseThrow() / mean,
                Arrays.stream(loads).min().orElseThrow() / mean, Math.sqrt(variance) / mean);
    }
}

package io.eventline.producers.hashing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One placement scheme taken through scale steps {@code from -> from+1 -> ... -> to} over the same keys: per
 * step, the fraction of keys that moved and the spread of keys over the instances after it.
 */
public final class ScaleSteps {
    private ScaleSteps() {
    }

    /** A step to {@code instances}; {@code moved} is NaN for the first row (no step before it). */
    public record Step(int instances, double moved, Spread spread, double worstMaxOverMean) {
    }

    /** The steps of one deterministic scheme: {@code placementFor(n)} places the keys on n instances. */
    public static List<Step> of(int from, int to, IntFunction<Placement> placementFor) {
        final List<Step> steps = new ArrayList<>();
        Placement previous = null;
        for (int n = from; n <= to; n++) {
            final Placement placement = placementFor.apply(n);
            final Spread spread = placement.spread();
            steps.add(new Step(n, previous == null ? Double.NaN : previous.movedTo(placement), spread,
                    spread.maxOverMean()));
            previous = placement;
        }
        return steps;
    }

    /** hash % n. */
    public static List<Step> modulo(KeyHashes keys, int from, int to) {
        return of(from, to, n -> ModuloPlacement.place(keys, n));
    }

    /**
     * The hash ring with {@code virtualNodes} points per instance, averaged over {@code rings} rings whose
     * instances have other names (so other points); {@code worstMaxOverMean} is the worst ring's.
     */
    public static List<Step> ring(KeyHashes keys, int virtualNodes, int rings, int from, int to) {
        if (rings < 1) {
            throw new IllegalArgumentException("at least one ring to average, got " + rings);
        }
        final List<List<Step>> samples = new ArrayList<>();
        for (int r = 0; r < rings; r++) {
            final String salt = "ring-" + r + "/";
            samples.add(of(from, to, n -> HashRing.of(n, virtualNodes, salt).place(keys)));
        }
        final List<Step> mean = new ArrayList<>();
        for (int i = 0; i < samples.get(0).size(); i++) {
            final int at = i;
            final List<Step> steps = samples.stream().map(sample -> sample.get(at)).toList();
            mean.add(new Step(steps.get(0).instances(),
                    steps.stream().mapToDouble(Step::moved).average().orElseThrow(),
                    new Spread(steps.stream().mapToDouble(s -> s.spread().maxOverMean()).average().orElseThrow(),
                            steps.stream().mapToDouble(s -> s.spread().minOverMean()).average().orElseThrow(),
                            steps.stream().mapToDouble(s -> s.spread().sdOverMean()).average().orElseThrow()),
                    steps.stream().mapToDouble(s -> s.spread().maxOverMean()).max().orElseThrow()));
        }
        return mean;
    }

    /** Kafka's placement over {@code partitions} partitions, assigned by the least-movement model. */
    public static List<Step> kafka(KeyHashes keys, int partitions, int from, int to) {
        return of(from, to, n -> PartitionAssignment.grownTo(partitions, n).place(keys));
    }
}

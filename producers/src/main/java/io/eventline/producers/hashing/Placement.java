package io.eventline.producers.hashing;

/**
 * Where each key lives: the instance (0-based) of key {@code i} is {@code owners[i]}, out of {@code instances}.
 * Two placements of the same keys tell how many keys a scale step moves; one tells how evenly they are spread.
 */
public record Placement(int instances, int[] owners) {

    /** Keys per instance. */
    public long[] counts() {
        final long[] counts = new long[instances];
        for (int owner : owners) {
            counts[owner]++;
        }
        return counts;
    }

    /** The fraction of keys whose instance differs in {@code next} (the same keys, placed after a scale step). */
    public double movedTo(Placement next) {
        if (next.owners.length != owners.length) {
            throw new IllegalArgumentException("placements of different keys");
        }
        long moved = 0;
        for (int i = 0; i < owners.length; i++) {
            if (owners[i] != next.owners[i]) {
                moved++;
            }
        }
        return (double) moved / owners.length;
    }

    public Spread spread() {
        return Spread.of(counts());
    }
}

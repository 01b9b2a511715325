package io.eventline.producers.hashing;

import java.util.Arrays;

/**
 * Kafka's placement: a key goes to a fixed partition ({@link KeyHashes#partition}), and whole partitions (the
 * tasks of Kafka Streams) go to instances. {@code instanceOf[p]} is partition p's instance, out of
 * {@code instances}; -1 for a partition no instance runs.
 */
public record PartitionAssignment(int instances, int[] instanceOf) {

    /** All partitions on one instance: where a group of one starts. */
    public static PartitionAssignment single(int partitions) {
        return new PartitionAssignment(1, new int[partitions]);
    }

    /**
     * The assignment after one more instance joins, if the assignor moves only what balance needs: the new
     * instance takes {@code floor(P / (n + 1))} partitions, each from whichever instance holds the most at that
     * moment. This is the least movement any balanced assignment allows, which is what Kafka Streams' sticky
     * assignors aim at; the real one, measured on the cluster, balances all subtopologies' tasks and standbys
     * together and may move more.
     */
    public PartitionAssignment withOneMore() {
        final int[] next = instanceOf.clone();
        final int newcomer = instances;
        final int take = next.length / (instances + 1);
        for (int moved = 0; moved < take; moved++) {
            final long[] held = heldBy(next, instances + 1);
            int donor = 0;
            for (int i = 1; i < instances; i++) {
                if (held[i] > held[donor]) {
                    donor = i;
                }
            }
            for (int p = next.length - 1; p >= 0; p--) {
                if (next[p] == donor) {
                    next[p] = newcomer;
                    break;
                }
            }
        }
        return new PartitionAssignment(instances + 1, next);
    }

    /** The assignment a group of {@code instances} reaches by joining one at a time from one. */
    public static PartitionAssignment grownTo(int partitions, int instances) {
        PartitionAssignment assignment = single(partitions);
        while (assignment.instances() < instances) {
            assignment = assignment.withOneMore();
        }
        return assignment;
    }

    public int partitions() {
        return instanceOf.length;
    }

    /** Where the keys go: each key's partition's instance. */
    public Placement place(KeyHashes keys) {
        final int[] owners = new int[keys.count()];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = instanceOf[KeyHashes.partition(keys.hash(i), partitions())];
        }
        return new Placement(instances, owners);
    }

    private static long[] heldBy(int[] instanceOf, int instances) {
        final long[] held = new long[instances];
        Arrays.stream(instanceOf).forEach(instance -> held[instance]++);
        return held;
    }
}

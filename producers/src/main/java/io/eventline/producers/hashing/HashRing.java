package io.eventline.producers.hashing;

import java.util.Arrays;

/**
 * The chapter's hash ring: each instance hashes onto the ring at {@code virtualNodes} points (its name with the
 * point's number, hashed like a key), and a key belongs to the first point at or after its own hash, going round
 * past the top. Adding an instance takes over only the arcs just before its points; the rest stay.
 */
public final class HashRing {
    private final int[] points;
    private final int[] instanceAt;
    private final int instances;

    private HashRing(int[] points, int[] instanceAt, int instances) {
        this.points = points;
        this.instanceAt = instanceAt;
        this.instances = instances;
    }

    /**
     * A ring of instances {@code 0..instances-1}, each named {@code <salt>instance-<i>}; the salt gives another
     * ring of the same shape (the points of a real ring depend on its servers' names).
     */
    public static HashRing of(int instances, int virtualNodes, String salt) {
        if (instances < 1 || virtualNodes < 1) {
            throw new IllegalArgumentException("at least one instance and one virtual node");
        }
        final long[] packed = new long[instances * virtualNodes];
        int n = 0;
        for (int instance = 0; instance < instances; instance++) {
            for (int v = 0; v < virtualNodes; v++) {
                final int point = KeyHashes.hash(salt + "instance-" + instance + "#" + v);
                // sorted by point, then by instance, so that two points on one hash order the same way every time
                packed[n++] = ((long) point << 32) | instance;
            }
        }
        Arrays.sort(packed);
        final int[] points = new int[packed.length];
        final int[] instanceAt = new int[packed.length];
        for (int i = 0; i < packed.length; i++) {
            points[i] = (int) (packed[i] >>> 32);
            instanceAt[i] = (int) packed[i];
        }
        return new HashRing(points, instanceAt, instances);
    }

    /** The instance that owns a key hash: the first point clockwise from it. */
    public int ownerOf(int hash) {
        int at = Arrays.binarySearch(points, hash);
        if (at < 0) {
            at = -at - 1;
        } else {
            // the first of equal points
            while (at > 0 && points[at - 1] == hash) {
                at--;
            }
        }
        return instanceAt[at == points.length ? 0 : at];
    }

    public Placement place(KeyHashes keys) {
        final int[] owners = new int[keys.count()];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = ownerOf(keys.hash(i));
        }
        return new Placement(instances, owners);
    }
}

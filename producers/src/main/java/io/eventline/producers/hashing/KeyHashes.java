package io.eventline.producers.hashing;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The keys a simulation places, as the non-negative 32-bit hashes Kafka's default partitioner computes for them
 * ({@code toPositive(murmur2(serialized key))}): every placement below starts from the same hash, so the
 * comparison is between placements, not between hash functions.
 */
public final class KeyHashes {
    private final String prefix;
    private final int[] hashes;

    private KeyHashes(String prefix, int[] hashes) {
        this.prefix = prefix;
        this.hashes = hashes;
    }

    /** Keys {@code <prefix>0} to {@code <prefix><count - 1>}, like the user IDs the load generator makes. */
    public static KeyHashes of(String prefix, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one key");
        }
        final int[] hashes = new int[count];
        for (int i = 0; i < count; i++) {
            hashes[i] = hash(prefix + i);
        }
        return new KeyHashes(prefix, hashes);
    }

    /** Kafka's default partitioner's hash of a string key serialized as UTF-8 (its {@code StringSerializer}). */
    public static int hash(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** The partition Kafka's default partitioner gives a keyed record, out of {@code partitions}. */
    public static int partition(int hash, int partitions) {
        return hash % partitions;
    }

    public int count() {
        return hashes.length;
    }

    public int hash(int index) {
        return hashes[index];
    }

    public String describe() {
        return count() + " keys " + prefix + "0 .. " + prefix + (count() - 1);
    }
}

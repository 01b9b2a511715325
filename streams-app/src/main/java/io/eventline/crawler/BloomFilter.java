package io.eventline.crawler;

import java.nio.charset.StandardCharsets;

/**
 * A Bloom filter of strings: says "certainly not added" or "maybe added", in a fixed number of bits whatever the
 * strings' length. Sized for {@code expectedEntries} at a target false positive rate p: m = -n ln p / (ln 2)^2
 * bits and k = (m / n) ln 2 hash functions, i.e. about 1.2 MB and 7 hashes per million entries at 1 %, 1.8 MB
 * and 10 hashes at 0.1 % ({@link #bytesPerMillion(double)}). Past {@code expectedEntries} the rate climbs
 * ({@link #expectedFalsePositiveRate(long)}). The k positions come from two 64-bit hashes of the UTF-8 bytes
 * (Kirsch and Mitzenmacher's g_i = h1 + i h2). Not thread-safe: one filter is owned by one stream task.
 */
public final class BloomFilter {
    private static final double LN2_SQUARED = Math.log(2) * Math.log(2);
    private static final long SEED_1 = 0x9E3779B97F4A7C15L;
    private static final long SEED_2 = 0xC2B2AE3D27D4EB4FL;

    private final long[] words;
    private final long bits;
    private final int hashes;

    /**
     * @param expectedEntries   how many strings it is sized for
     * @param falsePositiveRate the rate of "maybe" for strings never added, at {@code expectedEntries}
     */
    public BloomFilter(long expectedEntries, double falsePositiveRate) {
        if (expectedEntries <= 0 || !(falsePositiveRate > 0 && falsePositiveRate < 1)) {
            throw new IllegalArgumentException("expectedEntries must be positive and the rate between 0 and 1");
        }
        final long wanted = bitsFor(expectedEntries, falsePositiveRate);
        if (wanted > (long) Integer.MAX_VALUE * Long.SIZE) {
            throw new IllegalArgumentException("a filter of " + wanted + " bits is too large");
        }
        this.words = new long[(int) ((wanted + Long.SIZE - 1) / Long.SIZE)];
        this.bits = (long) words.length * Long.SIZE;
        this.hashes = hashesFor(expectedEntries, bits);
    }

    /** Bits needed for {@code entries} at {@code falsePositiveRate}. */
    public static long bitsFor(long entries, double falsePositiveRate) {
        return Math.max(Long.SIZE, (long) Math.ceil(-entries * Math.log(falsePositiveRate) / LN2_SQUARED));
    }

    /** The best number of hash functions for {@code entries} in {@code bits}. */
    public static int hashesFor(long entries, long bits) {
        return Math.max(1, (int) Math.round((double) bits / entries * Math.log(2)));
    }

    /** Memory, in bytes, a filter of one million entries takes at {@code falsePositiveRate}. */
    public static long bytesPerMillion(double falsePositiveRate) {
        return (bitsFor(1_000_000, falsePositiveRate) + 7) / 8;
    }

    /** The false positive rate once {@code entries} strings are in: (1 - e^(-kn/m))^k. */
    public double expectedFalsePositiveRate(long entries) {
        return Math.pow(1 - Math.exp(-(double) hashes * entries / bits), hashes);
    }

    /** False when {@code key} was certainly never added; true when it maybe was. */
    public boolean mightContain(String key) {
        final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        final long h1 = hash(bytes, SEED_1);
        final long h2 = hash(bytes, SEED_2) | 1;
        for (int i = 0; i < hashes; i++) {
            final long bit = Long.remainderUnsigned(h1 + i * h2, bits);
            if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Adds {@code key}; true when some bit changed, so {@code key} was certainly not in before. */
    public boolean put(String key) {
        final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        final long h1 = hash(bytes, SEED_1);
        final long h2 = hash(bytes, SEED_2) | 1;
        boolean changed = false;
        for (int i = 0; i < hashes; i++) {
            final long bit = Long.remainderUnsigned(h1 + i * h2, bits);
            final int word = (int) (bit >>> 6);
            final long mask = 1L << bit;
            changed |= (words[word] & mask) == 0;
            words[word] |= mask;
        }
        return changed;
    }

    public long bitSize() {
        return bits;
    }

    public int hashCount() {
        return hashes;
    }

    /** The memory the bits take, in bytes. */
    public long sizeBytes() {
        return (long) words.length * Long.BYTES;
    }

    /** A 64-bit hash of {@code bytes}: eight bytes at a time mixed in, then a final avalanche. */
    private static long hash(byte[] bytes, long seed) {
        long h = seed ^ (bytes.length * 0xFF51AFD7ED558CCDL);
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            long k = 0;
            for (int b = Long.BYTES - 1; b >= 0; b--) {
                k = k << 8 | (bytes[i + b] & 0xFFL);
            }
            h = Long.rotateLeft(h ^ mix(k), 27) * 5 + 0x52DCE729L;
        }
        long tail = 0;
        for (int b = bytes.length - 1; b >= i; b--) {
            tail = tail << 8 | (bytes[b] & 0xFFL);
        }
        return finish(h ^ mix(tail) ^ bytes.length);
    }

    private static long mix(long k) {
        return Long.rotateLeft(k * 0x87C37B91114253D5L, 31) * 0x4CF5AD432745937FL;
    }

    private static long finish(long h) {
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}

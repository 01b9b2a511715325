package io.eventline.shorturl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed bijection of [0, 62^7): a balanced Feistel network on 42 bits with HMAC-SHA256 rounds, cycle-walked
 * back into the domain. Consecutive counter values map to codes that look unrelated, so codes cannot be
 * enumerated by counting up, while uniqueness of the counter carries over to the codes.
 */
public final class CodeCipher {
    private static final int HALF_BITS = 21;
    private static final long HALF_MASK = (1L << HALF_BITS) - 1;
    private static final int ROUNDS = 6;

    private final byte[] key;
    private final ThreadLocal<Mac> macs;

    public CodeCipher(String secret) {
        this.key = sha256(("eventline-shorturl-codes:" + secret).getBytes(StandardCharsets.UTF_8));
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The code of the {@code index}-th link, always 7 characters. */
    public String codeOf(long index) {
        return Base62.encode(permute(index), 7);
    }

    /** Maps {@code index} in [0, 62^7) to a distinct value in the same range. */
    public long permute(long index) {
        if (index < 0 || index >= Base62.SEVEN_CHAR_SPACE) {
            throw new IllegalArgumentException("index " + index + " is outside the 7-character code space");
        }
        long value = index;
        do {
            value = encrypt(value);
        } while (value >= Base62.SEVEN_CHAR_SPACE);
        return value;
    }

    /** The inverse of {@link #permute(long)}. */
    public long unpermute(long code) {
        long value = code;
        do {
            value = decrypt(value);
        } while (value >= Base62.SEVEN_CHAR_SPACE);
        return value;
    }

    private long encrypt(long value) {
        long left = value >>> HALF_BITS;
        long right = value & HALF_MASK;
        for (int round = 0; round < ROUNDS; round++) {
            final long next = left ^ roundFunction(round, right);
            left = right;
            right = next;
        }
        return (left << HALF_BITS) | right;
    }

    private long decrypt(long value) {
        long left = value >>> HALF_BITS;
        long right = value & HALF_MASK;
        for (int round = ROUNDS - 1; round >= 0; round--) {
            final long previous = right ^ roundFunction(round, left);
            right = left;
            left = previous;
        }
        return (left << HALF_BITS) | right;
    }

    private long roundFunction(int round, long half) {
        final byte[] digest = macs.get().doFinal(ByteBuffer.allocate(9).put((byte) round).putLong(half).array());
        return (ByteBuffer.wrap(digest).getLong() >>> 3) & HALF_MASK;
    }

    private Mac newMac() {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

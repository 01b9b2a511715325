package io.eventline.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SHA-256 and HMAC-SHA256, which every Java runtime has, without the checked exceptions of asking for them. */
public final class Digests {
    private Digests() {
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The SHA-256 of {@code text} in UTF-8. */
    public static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of {@code message} under {@code key}. */
    public static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    /**
     * A key for one purpose, derived from {@code secret} and a {@code label} naming the purpose, so that keys
     * for different purposes tell nothing about each other or the secret.
     */
    public static byte[] derivedKey(String secret, String label) {
        return hmacSha256(secret.getBytes(StandardCharsets.UTF_8), label.getBytes(StandardCharsets.UTF_8));
    }
}

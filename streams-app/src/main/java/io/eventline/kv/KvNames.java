package io.eventline.kv;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What a namespace and a key may be, and how they make a store key. A namespace holds no {@code /}, so
 * {@code namespace/} is the prefix of exactly its keys, which the store keeps in byte order for scans.
 */
public final class KvNames {
    public static final int MAX_KEY_BYTES = 512;
    public static final int MAX_VALUE_BYTES = 1024 * 1024;
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private KvNames() {
    }

    /** Why {@code namespace} is not a namespace's name, or null when it is. */
    public static String namespaceProblem(String namespace) {
        return namespace != null && NAMESPACE.matcher(namespace).matches() ? null
                : "a namespace is 1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit";
    }

    /** Why {@code key} is not a key, or null when it is. */
    public static String keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return "a key is at least one character";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return "a key is at most " + MAX_KEY_BYTES + " bytes of UTF-8";
        }
        if (key.equals(".") || key.equals("..")) {
            return "a key is not . or .., which URL paths resolve away";
        }
        for (int i = 0; i < key.length(); i++) {
            final char c = key.charAt(i);
            // '/', '\' and '%' would be ambiguous in a URL path, which HTTP servers refuse
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '%') {
                return "a key holds no control characters and none of / \\ %";
            }
        }
        return null;
    }

    public static String storeKey(String namespace, String key) {
        return namespace + '/' + key;
    }

    /** The store keys of {@code namespace} that start with {@code prefix}. */
    public static String storePrefix(String namespace, String prefix) {
        return namespace + '/' + (prefix == null ? "" : prefix);
    }

    /** The key part of a store key. */
    public static String keyOf(String storeKey) {
        return storeKey.substring(storeKey.indexOf('/') + 1);
    }

    /**
     * Whether {@code entry} is past its TTL at {@code now}, every sibling too: no read returns it, whether or not it
     * is swept yet.
     */
    public static boolean expired(KvEntry entry, Instant now) {
        return expired(entry.getExpiresAt(), now)
                && entry.getSiblings().stream().allMatch(sibling -> expired(sibling.getExpiresAt(), now));
    }

    private static boolean expired(Instant expiresAt, Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** Bytes a key and its value count against a namespace's byte quota. */
    public static long sizeOf(String key, int valueBytes) {
        return key.getBytes(StandardCharsets.UTF_8).length + (long) valueBytes;
    }
}

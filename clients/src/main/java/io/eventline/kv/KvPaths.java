package io.eventline.kv;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of namespaces, keys and query values (RFC 3986), and the checks a key must pass first. */
final class KvPaths {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private KvPaths() {
    }

    /**
     * {@code value} as one path segment or query value: every byte of its UTF-8 form but the unreserved
     * characters is percent-encoded, so {@code +} is never read as a space. A segment of dots alone is encoded
     * too, so no one on the way takes it for {@code .} or {@code ..} and removes it.
     */
    static String encode(String value) {
        final StringBuilder out = new StringBuilder(value.length() + 16);
        final boolean dotsOnly = value.chars().allMatch(c -> c == '.');
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            final int c = b & 0xFF;
            if (isUnreserved(c) && !(dotsOnly && c == '.')) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /** Checks a namespace name is something to put in a path; its pattern is the server's to enforce. */
    static String namespace(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("a namespace name must not be empty");
        }
        return checkedText(namespace, "namespace");
    }

    /** Checks a key: not empty, no {@code /}, no control character, well-formed UTF-16. */
    static String key(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a key must not be empty");
        }
        return checkedText(key, "key");
    }

    private static String checkedText(String text, String what) {
        text.codePoints().forEach(cp -> {
            if (cp == '/') {
                throw new IllegalArgumentException("a " + what + " must not hold '/': " + text);
            }
            if (Character.isISOControl(cp)) {
                throw new IllegalArgumentException(
                        "a " + what + " must not hold control characters (U+" + Integer.toHexString(cp) + ")");
            }
            if (Character.isSurrogate((char) cp) && cp <= Character.MAX_VALUE) {
                throw new IllegalArgumentException("a " + what + " must not hold an unpaired surrogate");
            }
        });
        return text;
    }

    private static boolean isUnreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}

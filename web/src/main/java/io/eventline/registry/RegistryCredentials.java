package io.eventline.registry;

import io.eventline.auth.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * The HTTP Basic credentials the registry's writes take, as Confluent's clients send their
 * {@code basic.auth.user.info}. Compares digests, so that neither the content nor the length of the expected
 * credentials shows in how long a refusal takes.
 */
final class RegistryCredentials {
    private final byte[] expected;

    RegistryCredentials(String userInfo) {
        this.expected = Digests.sha256(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether an {@code Authorization} header value, possibly null, carries the expected credentials. */
    boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        final String value = authorization.trim();
        final int space = value.indexOf(' ');
        if (space < 0 || !"basic".equals(value.substring(0, space).toLowerCase(Locale.ROOT))) {
            return false;
        }
        final byte[] given;
        try {
            given = Base64.getDecoder().decode(value.substring(space + 1).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, Digests.sha256(given));
    }
}

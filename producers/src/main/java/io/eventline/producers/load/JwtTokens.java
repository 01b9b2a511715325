package io.eventline.producers.load;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 bearer tokens as the instance's {@code JwtAuth.issue} makes them (issuer {@code eventline}, subject, issued
 * and expiry times, no roles unless asked for), signed with the instance's secret, so a run can act as thousands of
 * users without asking the instance for each token.
 */
final class JwtTokens {
    /** The environment variable the instance reads its secret from; the load generator reads the same. */
    static final String SECRET_VARIABLE = "EVENTLINE_JWT_SECRET";
    static final int MIN_SECRET_LENGTH = 32;

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");

    private final SecretKeySpec key;
    private final Duration ttl;

    JwtTokens(String secret, Duration ttl) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(SECRET_VARIABLE + " must be set to the instance's JWT secret ("
                    + MIN_SECRET_LENGTH + " characters or more)");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.ttl = ttl;
    }

    /** A token for {@code userId}, valid from now for the ttl. */
    String issue(String userId) {
        return sign(userId, "[]");
    }

    /** A token for {@code userId} with the admin role, e.g. to read the instance's {@code /metrics}. */
    String issueAdmin(String userId) {
        return sign(userId, "[\"admin\"]");
    }

    private String sign(String userId, String roles) {
        final long now = Instant.now().getEpochSecond();
        final String payload = encode("{\"iss\":\"eventline\",\"sub\":\"" + jsonEscape(userId) + "\",\"iat\":" + now
                + ",\"exp\":" + (now + ttl.toSeconds()) + ",\"roles\":" + roles + "}");
        final String signed = HEADER + "." + payload;
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return signed + "." + BASE64URL.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String jsonEscape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}

package io.eventline.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One-click unsubscribe links for e-mail ({@code List-Unsubscribe}, RFC 8058): the link names the user and template
 * and carries an HMAC of both, so following it needs no login and cannot be forged for someone else.
 */
public final class UnsubscribeLinks {
    public static final String PATH = "/api/v1/unsubscribe";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final String publicUrl;
    private final byte[] secret;

    public UnsubscribeLinks(String publicUrl, String secret) {
        this.publicUrl = publicUrl;
        this.secret = ("unsubscribe:" + secret).getBytes(StandardCharsets.UTF_8);
    }

    /** The link that turns e-mail of {@code template} off for {@code userId}. */
    public String link(String userId, String template) {
        return publicUrl + PATH + "?token=" + token(userId, template);
    }

    String token(String userId, String template) {
        final String payload = userId + '\u0000' + template;
        return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + ENCODER.encodeToString(mac(payload));
    }

    /** The user and template of a genuine token; empty for anything else. */
    public Optional<Subscription> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        final int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        try {
            final String payload = new String(DECODER.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            final byte[] signature = DECODER.decode(token.substring(dot + 1));
            final int separator = payload.indexOf('\u0000');
            if (separator < 0 || !MessageDigest.isEqual(signature, mac(payload))) {
                return Optional.empty();
            }
            return Optional.of(new Subscription(payload.substring(0, separator), payload.substring(separator + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whose e-mail of which template a link stops. */
    public record Subscription(String userId, String template) {
    }

    private byte[] mac(String payload) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}

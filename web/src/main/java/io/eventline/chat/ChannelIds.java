package io.eventline.chat;

import io.eventline.auth.Digests;
import io.eventline.ids.SnowflakeIdGenerator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Channel IDs: a direct channel's is derived from its two members, so both find the same one without a lookup;
 * a group's is a Snowflake ID. The derivation is keyed with a secret of this deployment, so nobody else can
 * compute the ID of two users' channel and probe whether they talked.
 */
public final class ChannelIds {
    private static final String DIRECT_PREFIX = "d_";
    private static final String GROUP_PREFIX = "g_";
    /** Distinct from every other key derived from the token secret. */
    private static final String KEY_LABEL = "eventline direct channel ids v1";
    /** 22 base64url characters: 132 bits of the pair's HMAC-SHA256, far beyond any chance of a collision. */
    private static final int DIRECT_HASH_CHARS = 22;
    private static final Pattern VALID = Pattern.compile("d_[A-Za-z0-9_-]{22}|g_[0-9]{1,19}");

    private final byte[] key;

    /** @param tokenSecret the secret tokens are signed with; the key of the IDs is derived from it */
    public ChannelIds(String tokenSecret) {
        this.key = Digests.derivedKey(tokenSecret, KEY_LABEL);
    }

    /** The one direct channel between {@code a} and {@code b}, the same whichever of them asks. */
    String direct(String a, String b) {
        final String first = a.compareTo(b) <= 0 ? a : b;
        final String second = first.equals(a) ? b : a;
        final byte[] mac = Digests.hmacSha256(key, (first + '\u0000' + second).getBytes(StandardCharsets.UTF_8));
        return DIRECT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(mac)
                .substring(0, DIRECT_HASH_CHARS);
    }

    static String group(SnowflakeIdGenerator ids) {
        return GROUP_PREFIX + ids.nextIdString();
    }

    /** Whether {@code id} could name a channel; any other is answered 404 without a lookup. */
    static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}

package io.eventline.kv;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A value read from the store. The byte array is the client's own and is not copied: treat it as read-only.
 *
 * @param bytes       the value as it was put
 * @param contentType the content type it was put with
 * @param etag        its ETag, quoted as HTTP has it ({@code "dc0-7"})
 * @param replicaLag  how far behind the replica that answered an eventual read was
 * @param stale       true when a standby answered because the key's owner was away
 */
public record KvValue(byte[] bytes, String contentType, String etag, Optional<Duration> replicaLag, boolean stale) {
    public KvValue {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(replicaLag, "replicaLag");
    }

    /** The value decoded as UTF-8 text. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KvValue that && Arrays.equals(bytes, that.bytes)
                && Objects.equals(contentType, that.contentType) && Objects.equals(etag, that.etag)
                && replicaLag.equals(that.replicaLag) && stale == that.stale;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(bytes), contentType, etag, replicaLag, stale);
    }

    @Override
    public String toString() {
        return "KvValue[" + bytes.length + " bytes, contentType=" + contentType + ", etag=" + etag
                + ", replicaLag=" + replicaLag + ", stale=" + stale + "]";
    }
}

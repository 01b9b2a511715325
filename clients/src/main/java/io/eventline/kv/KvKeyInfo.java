package io.eventline.kv;

import java.time.Instant;
import java.util.Optional;

/**
 * A key found by a scan, without its value.
 *
 * @param key         the key
 * @param etag        its value's ETag
 * @param size        its value's size in bytes
 * @param contentType its value's content type
 * @param updatedAt   when it was written
 * @param expiresAt   when it expires, if it has a TTL
 */
public record KvKeyInfo(String key, String etag, long size, String contentType, Instant updatedAt,
                        Optional<Instant> expiresAt) {
}

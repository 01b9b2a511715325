package io.eventline.kv;

import java.time.Instant;
import java.util.Optional;

/**
 * A stored value, as its put answered.
 *
 * @param namespace   the namespace
 * @param key         the key
 * @param etag        the value's ETag, quoted as HTTP has it ({@code "dc0-7"}): the {@code ifMatch} of a later put
 * @param size        the value's size in bytes
 * @param contentType the value's content type
 * @param updatedAt   when it was written
 * @param expiresAt   when it expires, if it has a TTL
 * @param created     true if the key held no value before ({@code 201}), false if one was replaced ({@code 200})
 */
public record KvPutResult(String namespace, String key, String etag, long size, String contentType,
                          Instant updatedAt, Optional<Instant> expiresAt, boolean created) {
}

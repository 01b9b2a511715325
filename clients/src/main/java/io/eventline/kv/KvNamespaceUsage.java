package io.eventline.kv;

import java.time.Instant;

/**
 * A namespace, its quotas and what it uses of them.
 *
 * @param namespace its name
 * @param owner     the user ID that owns it
 * @param maxKeys   how many keys it may hold
 * @param maxBytes  how many bytes its values may take in all
 * @param keys      how many keys it holds
 * @param bytes     how many bytes its values take
 * @param createdAt when it was created
 */
public record KvNamespaceUsage(String namespace, String owner, long maxKeys, long maxBytes, long keys, long bytes,
                          Instant createdAt) {
}

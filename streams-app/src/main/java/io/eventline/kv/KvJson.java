package io.eventline.kv;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The JSON forms of namespaces and entries, as the API returns them. */
public final class KvJson {
    /** Where a write's outcome says which partition applied it at which offset; the answer turns it into a token. */
    public static final String APPLIED = "applied";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private KvJson() {
    }

    /** {@code {"namespace","owner","createdAt","maxKeys","maxBytes","keys","bytes"}}. */
    public static ObjectNode namespace(KvNamespace namespace) {
        final ObjectNode node = NODES.objectNode();
        node.put("namespace", namespace.getNamespace());
        node.put("owner", namespace.getOwner());
        node.put("createdAt", namespace.getCreatedAt().toString());
        node.put("maxKeys", namespace.getMaxKeys());
        node.put("maxBytes", namespace.getMaxBytes());
        node.put("keys", namespace.getKeys());
        node.put("bytes", namespace.getBytes());
        return node;
    }

    /** {@code {"namespace","key","etag","size","contentType","updatedAt","expiresAt"}}, without the value. */
    public static ObjectNode entry(String namespace, String key, KvEntry entry) {
        final ObjectNode node = NODES.objectNode();
        if (namespace != null) {
            node.put("namespace", namespace);
        }
        node.put("key", key);
        node.put("etag", KvVersions.etag(entry.getVersion()));
        node.put("size", entry.getValue().remaining());
        node.put("contentType", entry.getContentType());
        node.put("updatedAt", entry.getUpdatedAt().toString());
        final Instant expires = entry.getExpiresAt();
        if (expires == null) {
            node.putNull("expiresAt");
        } else {
            node.put("expiresAt", expires.toString());
        }
        return node;
    }

    /** {@code node} with the partition and offset that applied its write. */
    public static String withApplied(ObjectNode node, int partition, long offset) {
        node.putObject(APPLIED).put("partition", partition).put("offset", offset);
        return node.toString();
    }
}

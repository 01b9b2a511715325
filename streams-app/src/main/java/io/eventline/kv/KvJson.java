package io.eventline.kv;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The JSON forms of namespaces and entries, as the API returns them. */
public final class KvJson {
    /** Where a write's outcome says which partition applied it at which offset; the answer turns it into a token. */
    public static final String APPLIED = "applied";
    public static final String SIBLINGS = "siblings";
    public static final String LAST_WRITER_WINS = "last-writer-wins";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private KvJson() {
    }

    /** The policy a namespace's {@code conflicts} names, if it names one. */
    public static java.util.Optional<KvConflictPolicy> policy(String name) {
        return switch (name) {
            case SIBLINGS -> java.util.Optional.of(KvConflictPolicy.SIBLINGS);
            case LAST_WRITER_WINS -> java.util.Optional.of(KvConflictPolicy.LAST_WRITER_WINS);
            default -> java.util.Optional.empty();
        };
    }

    /** {@code {"namespace","owner","createdAt","maxKeys","maxBytes","keys","bytes","conflicts"}}. */
    public static ObjectNode namespace(KvNamespace namespace) {
        final ObjectNode node = NODES.objectNode();
        node.put("namespace", namespace.getNamespace());
        node.put("owner", namespace.getOwner());
        node.put("createdAt", namespace.getCreatedAt().toString());
        node.put("maxKeys", namespace.getMaxKeys());
        node.put("maxBytes", namespace.getMaxBytes());
        node.put("keys", namespace.getKeys());
        node.put("bytes", namespace.getBytes());
        node.put("conflicts", namespace.getConflicts() == KvConflictPolicy.LAST_WRITER_WINS ? LAST_WRITER_WINS
                : SIBLINGS);
        return node;
    }

    /**
     * {@code {"namespace","key","etag","size","contentType","updatedAt","expiresAt","siblings"}}, without the value:
     * the newest version's, under the ETag that covers every sibling.
     */
    public static ObjectNode entry(String namespace, String key, KvEntry entry) {
        final ObjectNode node = NODES.objectNode();
        if (namespace != null) {
            node.put("namespace", namespace);
        }
        node.put("key", key);
        node.put("etag", KvVersions.etag(KvSiblings.context(entry)));
        node.put("size", entry.getValue().remaining());
        node.put("contentType", entry.getContentType());
        node.put("updatedAt", entry.getUpdatedAt().toString());
        final Instant expires = entry.getExpiresAt();
        if (expires == null) {
            node.putNull("expiresAt");
        } else {
            node.put("expiresAt", expires.toString());
        }
        node.put(SIBLINGS, 1 + entry.getSiblings().size());
        return node;
    }

    /** {@code node} with the partition and offset that applied its write. */
    public static String withApplied(ObjectNode node, int partition, long offset) {
        node.putObject(APPLIED).put("partition", partition).put("offset", offset);
        return node.toString();
    }
}

package io.eventline.kv;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one place that decides a namespace's writes: it runs on the namespace's partition, so conditional writes,
 * quotas and usage are decided in log order without locks. Every write is answered on
 * {@code operations.outcomes.v1}, and every write, applied or refused, moves the partition's applied offset that
 * strong reads wait for. Keys past their TTL are removed every {@link KvSettings#expirySweep()}.
 */
final class KvWriter implements Processor<String, KvWriteRequested, String, OperationOutcome> {
    /** Bounds one sweep's work: the rest waits for the next. */
    private static final int SWEEP_BATCH = 10_000;

    private final KvSettings settings;
    private ProcessorContext<String, OperationOutcome> context;
    private KeyValueStore<String, KvEntry> entries;
    private KeyValueStore<String, KvNamespace> namespaces;
    private KeyValueStore<String, String> expiry;
    private KeyValueStore<String, KvApplied> applied;

    KvWriter(KvSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, OperationOutcome> context) {
        this.context = context;
        this.entries = context.getStateStore(KvStores.ENTRIES);
        this.namespaces = context.getStateStore(KvStores.NAMESPACES);
        this.expiry = context.getStateStore(KvStores.EXPIRY);
        this.applied = context.getStateStore(KvStores.APPLIED);
        context.schedule(settings.expirySweep(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, KvWriteRequested> record) {
        final KvWriteRequested write = record.value();
        if (write == null) {
            return;
        }
        final RecordMetadata position = context.recordMetadata().orElseThrow();
        final Write decided = new Write(write, position.partition(), position.offset(),
                Instant.ofEpochMilli(context.currentSystemTimeMs()));
        final OperationOutcome outcome = switch (write.getOperation()) {
            case PUT_NAMESPACE -> putNamespace(decided);
            case DELETE_NAMESPACE -> deleteNamespace(decided);
            case PUT, DELETE -> keyWrite(decided);
        };
        applied.put(KvStores.APPLIED_KEY, new KvApplied(position.offset(), write.getTimestamp()));
        context.forward(new Record<>(write.getEventId(), outcome, record.timestamp()));
    }

    /** A write with where it sits in the log and the time it is applied at. */
    private record Write(KvWriteRequested event, int partition, long offset, Instant now) {
        OperationOutcome accepted(int status, com.fasterxml.jackson.databind.node.ObjectNode result) {
            return Outcomes.accepted(event.getEventId(), event.getPrincipal(), status,
                    KvJson.withApplied(result, partition, offset), now);
        }

        OperationOutcome rejected(int status, String slug, String title, String detail) {
            return Outcomes.rejected(event.getEventId(), event.getPrincipal(), status, slug, title, detail, now);
        }

        OperationOutcome noNamespace() {
            return rejected(404, "not-found", "No such namespace", "no namespace " + event.getNamespace());
        }

        boolean mayWrite(KvNamespace namespace) {
            return namespace != null && (event.getAdmin() || namespace.getOwner().equals(event.getPrincipal()));
        }
    }

    private OperationOutcome putNamespace(Write w) {
        final KvWriteRequested write = w.event();
        final String problem = KvNames.namespaceProblem(write.getNamespace());
        if (problem != null) {
            return w.rejected(400, "invalid-request", "Invalid namespace", problem);
        }
        final KvNamespace existing = namespaces.get(write.getNamespace());
        if (existing != null && !w.mayWrite(existing)) {
            return w.rejected(409, "namespace-taken", "Namespace taken",
                    "the namespace " + write.getNamespace() + " belongs to someone else");
        }
        final long maxKeys = quota(write.getMaxKeys(), existing == null ? null : existing.getMaxKeys(),
                settings.defaultMaxKeys());
        final long maxBytes = quota(write.getMaxBytes(), existing == null ? null : existing.getMaxBytes(),
                settings.defaultMaxBytes());
        if (maxKeys < 1 || maxBytes < 1 || maxKeys > settings.limitMaxKeys() || maxBytes > settings.limitMaxBytes()) {
            return w.rejected(400, "invalid-request", "Invalid quota", "maxKeys is 1 to " + settings.limitMaxKeys()
                    + " and maxBytes 1 to " + settings.limitMaxBytes());
        }
        if (!write.getAdmin() && (raised(maxKeys, existing == null ? null : existing.getMaxKeys(),
                settings.defaultMaxKeys()) || raised(maxBytes, existing == null ? null : existing.getMaxBytes(),
                settings.defaultMaxBytes()))) {
            return w.rejected(403, "forbidden", "Quota above the defaults",
                    "only an admin sets maxKeys above " + settings.defaultMaxKeys() + " or maxBytes above "
                            + settings.defaultMaxBytes());
        }
        final KvNamespace next = existing == null
                ? new KvNamespace(write.getNamespace(), write.getPrincipal(), write.getTimestamp(), maxKeys, maxBytes,
                0L, 0L)
                : KvNamespace.newBuilder(existing).setMaxKeys(maxKeys).setMaxBytes(maxBytes).build();
        namespaces.put(write.getNamespace(), next);
        return w.accepted(existing == null ? 201 : 200, KvJson.namespace(next));
    }

    private static long quota(Long asked, Long current, long fallback) {
        return asked != null ? asked : current != null ? current : fallback;
    }

    /** Above both the default and what the namespace has now (an admin's raise may be kept, not exceeded). */
    private static boolean raised(long asked, Long current, long fallback) {
        return asked > Math.max(fallback, current == null ? 0 : current);
    }

    private OperationOutcome deleteNamespace(Write w) {
        final String name = w.event().getNamespace();
        final KvNamespace existing = namespaces.get(name);
        if (!w.mayWrite(existing)) {
            return w.noNamespace();
        }
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, KvEntry> all = entries.prefixScan(KvNames.storePrefix(name, ""),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(entries::delete);
        namespaces.delete(name);
        return w.accepted(204, KvJson.namespace(KvNamespace.newBuilder(existing).setKeys(0L).setBytes(0L).build()));
    }

    private OperationOutcome keyWrite(Write w) {
        final KvWriteRequested write = w.event();
        final KvNamespace namespace = namespaces.get(write.getNamespace());
        if (!w.mayWrite(namespace)) {
            return w.noNamespace();
        }
        final String problem = KvNames.keyProblem(write.getKey());
        if (problem != null) {
            return w.rejected(400, "invalid-request", "Invalid key", problem);
        }
        return write.getOperation() == KvOperation.PUT ? put(w, namespace) : delete(w, namespace);
    }

    private OperationOutcome put(Write w, KvNamespace namespace) {
        final KvWriteRequested write = w.event();
        if (write.getValue() == null) {
            return w.rejected(400, "invalid-request", "Invalid write", "a put has a value");
        }
        final int valueBytes = write.getValue().remaining();
        if (valueBytes > KvNames.MAX_VALUE_BYTES) {
            return w.rejected(413, "too-large", "Value too large", "a value is at most " + KvNames.MAX_VALUE_BYTES
                    + " bytes");
        }
        final String storeKey = KvNames.storeKey(write.getNamespace(), write.getKey());
        final KvEntry current = entries.get(storeKey);
        final boolean live = current != null && !KvNames.expired(current, w.now());
        if (live && current.getEventId().equals(write.getEventId())) {
            // the same write again (a replay after a crash): answered as it was
            return w.accepted(200, KvJson.entry(write.getNamespace(), write.getKey(), current));
        }
        final String precondition = precondition(write, live ? current : null);
        if (precondition != null) {
            return w.rejected(412, "precondition-failed", "Precondition failed", precondition);
        }
        final long oldSize = current == null ? 0 : KvNames.sizeOf(write.getKey(), current.getValue().remaining());
        final long newSize = KvNames.sizeOf(write.getKey(), valueBytes);
        final long keys = namespace.getKeys() + (current == null ? 1 : 0);
        final long bytes = namespace.getBytes() - oldSize + newSize;
        if (current == null && keys > namespace.getMaxKeys()) {
            return w.rejected(409, "quota-exceeded", "Quota exceeded", "maxKeys: the namespace "
                    + write.getNamespace() + " holds " + namespace.getKeys() + " of its " + namespace.getMaxKeys()
                    + " keys");
        }
        if (newSize > oldSize && bytes > namespace.getMaxBytes()) {
            return w.rejected(409, "quota-exceeded", "Quota exceeded", "maxBytes: the namespace "
                    + write.getNamespace() + " holds " + namespace.getBytes() + " of its " + namespace.getMaxBytes()
                    + " bytes; this write needs " + (newSize - oldSize) + " more");
        }
        final Instant expiresAt = write.getTtlSeconds() == null ? null
                : write.getTimestamp().plus(Duration.ofSeconds(write.getTtlSeconds()));
        final KvEntry next = new KvEntry(write.getValue(), write.getContentType() == null
                ? "application/octet-stream" : write.getContentType(),
                KvVersions.advanced(current == null ? null : current.getVersion(), settings.datacenter(), w.offset()),
                write.getEventId(), write.getTimestamp(), expiresAt);
        entries.put(storeKey, next);
        if (expiresAt != null) {
            expiry.put(expiryKey(expiresAt, storeKey), write.getEventId());
        }
        namespaces.put(write.getNamespace(), KvNamespace.newBuilder(namespace).setKeys(keys).setBytes(bytes).build());
        return w.accepted(live ? 200 : 201, KvJson.entry(write.getNamespace(), write.getKey(), next));
    }

    private static String precondition(KvWriteRequested write, KvEntry live) {
        if (write.getCreateOnly() && live != null) {
            return "the key " + write.getKey() + " exists (If-None-Match: *)";
        }
        if (write.getIfMatch() != null && (live == null || !KvVersions.matches(write.getIfMatch(),
                live.getVersion()))) {
            return live == null ? "the key " + write.getKey() + " does not exist (If-Match)"
                    : "the key " + write.getKey() + " is at " + KvVersions.etag(live.getVersion()) + ", not "
                    + write.getIfMatch();
        }
        return null;
    }

    private OperationOutcome delete(Write w, KvNamespace namespace) {
        final KvWriteRequested write = w.event();
        final String storeKey = KvNames.storeKey(write.getNamespace(), write.getKey());
        final KvEntry current = entries.get(storeKey);
        final boolean live = current != null && !KvNames.expired(current, w.now());
        final String precondition = precondition(write, live ? current : null);
        if (live && precondition != null) {
            return w.rejected(412, "precondition-failed", "Precondition failed", precondition);
        }
        if (current != null) {
            remove(storeKey, current, namespace);
        }
        if (!live) {
            return w.rejected(404, "not-found", "No such key", "no key " + write.getKey() + " in "
                    + write.getNamespace());
        }
        return w.accepted(204, KvJson.entry(write.getNamespace(), write.getKey(), current));
    }

    private void remove(String storeKey, KvEntry entry, KvNamespace namespace) {
        entries.delete(storeKey);
        namespaces.put(namespace.getNamespace(), KvNamespace.newBuilder(namespace)
                .setKeys(Math.max(0, namespace.getKeys() - 1))
                .setBytes(Math.max(0, namespace.getBytes()
                        - KvNames.sizeOf(KvNames.keyOf(storeKey), entry.getValue().remaining())))
                .build());
    }

    static String expiryKey(Instant expiresAt, String storeKey) {
        return String.format("%019d/%s", expiresAt.toEpochMilli(), storeKey);
    }

    private void sweep(long nowMs) {
        final Instant now = Instant.ofEpochMilli(nowMs);
        final List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> range = expiry.range("", String.format("%019d0", nowMs))) {
            while (range.hasNext() && due.size() < SWEEP_BATCH) {
                due.add(range.next());
            }
        }
        for (KeyValue<String, String> item : due) {
            final String storeKey = item.key.substring(20);
            final KvEntry entry = entries.get(storeKey);
            // a key written again since keeps its new value; only the write that set this TTL expires here
            if (entry != null && entry.getEventId().equals(item.value) && KvNames.expired(entry, now)) {
                final String namespace = storeKey.substring(0, storeKey.indexOf('/'));
                final KvNamespace owner = namespaces.get(namespace);
                if (owner != null) {
                    remove(storeKey, entry, owner);
                } else {
                    entries.delete(storeKey);
                }
            }
            expiry.delete(item.key);
        }
    }
}

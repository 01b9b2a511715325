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
 * The one place that decides a namespace's writes in this data centre: it runs on the namespace's partition, so
 * conditional writes, quotas and usage are decided in log order without locks. Every write is answered on
 * {@code operations.outcomes.v1}, every write, applied or refused, moves the partition's applied offset that
 * strong reads wait for, and every write applied goes to {@code kv.changes.v1} when there are other data centres
 * ({@link KvSettings#peers()}). A write supersedes every version of the key this data centre holds, siblings
 * included. Keys past their TTL are removed every {@link KvSettings#expirySweep()}.
 */
final class KvWriter implements Processor<String, KvWriteRequested, String, Object> {
    /** Bounds one sweep's work: the rest waits for the next. */
    private static final int SWEEP_BATCH = 10_000;

    private final KvSettings settings;
    private ProcessorContext<String, Object> context;
    private KvState state;
    private KeyValueStore<String, KvEntry> entries;
    private KeyValueStore<String, KvNamespace> namespaces;
    private KeyValueStore<String, String> expiry;
    private KeyValueStore<String, KvApplied> applied;
    private HybridLogicalClock clock;

    KvWriter(KvSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.state = new KvState(context);
        this.entries = state.entries;
        this.namespaces = state.namespaces;
        this.expiry = state.expiry;
        this.applied = context.getStateStore(KvStores.APPLIED);
        final KvApplied last = applied.get(KvStores.APPLIED_KEY);
        this.clock = new HybridLogicalClock(last == null ? 0 : last.getHlc());
        context.schedule(settings.expirySweep(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, KvWriteRequested> record) {
        final KvWriteRequested write = record.value();
        if (write == null) {
            return;
        }
        final RecordMetadata position = context.recordMetadata().orElseThrow();
        final long nowMs = context.currentSystemTimeMs();
        final Write decided = new Write(write, position.partition(), position.offset(), Instant.ofEpochMilli(nowMs),
                clock.tick(nowMs));
        final OperationOutcome outcome = switch (write.getOperation()) {
            case PUT_NAMESPACE -> putNamespace(decided);
            case DELETE_NAMESPACE -> deleteNamespace(decided);
            case PUT, DELETE -> keyWrite(decided);
        };
        applied.put(KvStores.APPLIED_KEY, new KvApplied(position.offset(), write.getTimestamp(), clock.last()));
        context.forward(new Record<>(write.getEventId(), outcome, record.timestamp()));
    }

    /** Sends a write this data centre applied to the others; alone, it writes nothing more per write. */
    private void share(Write w, KvChange.Builder change) {
        if (settings.peers().isEmpty()) {
            return;
        }
        final KvWriteRequested write = w.event();
        context.forward(new Record<>(write.getNamespace(), change
                .setEventId(write.getEventId())
                .setOrigin(settings.datacenter())
                .setOperation(write.getOperation())
                .setNamespace(write.getNamespace())
                .setKey(write.getKey())
                .setHlc(w.hlc())
                .setUpdatedAt(write.getTimestamp())
                .build(), write.getTimestamp().toEpochMilli()));
    }

    /** A write with where it sits in the log, the time it is applied at and its hybrid logical clock. */
    private record Write(KvWriteRequested event, int partition, long offset, Instant now, long hlc) {
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
        final KvConflictPolicy conflicts = write.getConflicts() != null ? write.getConflicts()
                : existing != null ? existing.getConflicts() : KvConflictPolicy.SIBLINGS;
        final KvNamespace next = (existing == null
                ? KvNamespace.newBuilder().setNamespace(write.getNamespace()).setOwner(write.getPrincipal())
                .setCreatedAt(write.getTimestamp()).setKeys(0L).setBytes(0L)
                : KvNamespace.newBuilder(existing))
                .setMaxKeys(maxKeys).setMaxBytes(maxBytes).setConflicts(conflicts)
                .setHlc(w.hlc()).setOrigin(settings.datacenter())
                .build();
        namespaces.put(write.getNamespace(), next);
        share(w, KvChange.newBuilder().setOwner(next.getOwner()).setMaxKeys(maxKeys).setMaxBytes(maxBytes)
                .setConflicts(conflicts));
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
        state.removeNamespace(name);
        share(w, KvChange.newBuilder().setOwner(existing.getOwner()));
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
        final Held held = held(w);
        final String storeKey = held.storeKey();
        final KvEntry current = held.current();
        final List<KvSibling> live = held.live();
        if (live.stream().anyMatch(version -> version.getEventId().equals(write.getEventId()))) {
            // the same write again (a replay after a crash): answered as it was
            return w.accepted(200, KvJson.entry(write.getNamespace(), write.getKey(), current));
        }
        final String precondition = precondition(write, live);
        if (precondition != null) {
            return w.rejected(412, "precondition-failed", "Precondition failed", precondition);
        }
        final long oldSize = current == null ? 0 : KvSiblings.sizeOf(write.getKey(), KvSiblings.of(current));
        final long newSize = KvNames.sizeOf(write.getKey(), valueBytes);
        if (current == null && namespace.getKeys() + 1 > namespace.getMaxKeys()) {
            return w.rejected(409, "quota-exceeded", "Quota exceeded", "maxKeys: the namespace "
                    + write.getNamespace() + " holds " + namespace.getKeys() + " of its " + namespace.getMaxKeys()
                    + " keys");
        }
        if (newSize > oldSize && namespace.getBytes() - oldSize + newSize > namespace.getMaxBytes()) {
            return w.rejected(409, "quota-exceeded", "Quota exceeded", "maxBytes: the namespace "
                    + write.getNamespace() + " holds " + namespace.getBytes() + " of its " + namespace.getMaxBytes()
                    + " bytes; this write needs " + (newSize - oldSize) + " more");
        }
        final Instant expiresAt = write.getTtlSeconds() == null ? null
                : write.getTimestamp().plus(Duration.ofSeconds(write.getTtlSeconds()));
        final KvSibling next = new KvSibling(write.getValue(), write.getContentType() == null
                ? "application/octet-stream" : write.getContentType(),
                KvVersions.advanced(current == null ? null : KvSiblings.context(current), settings.datacenter(),
                        w.offset()),
                write.getEventId(), write.getTimestamp(), expiresAt, w.hlc(), settings.datacenter());
        state.store(storeKey, current, List.of(next), namespace);
        share(w, KvChange.newBuilder().setOwner(namespace.getOwner()).setVersion(next.getVersion())
                .setValue(next.getValue())
                .setContentType(next.getContentType()).setExpiresAt(expiresAt));
        return w.accepted(live.isEmpty() ? 201 : 200,
                KvJson.entry(write.getNamespace(), write.getKey(), KvSiblings.entryOf(List.of(next))));
    }

    /** What the key of a write holds: its entry (null for none) and the versions of it not past their TTL. */
    private record Held(String storeKey, KvEntry current, List<KvSibling> live) {
    }

    private Held held(Write w) {
        final String storeKey = KvNames.storeKey(w.event().getNamespace(), w.event().getKey());
        final KvEntry current = entries.get(storeKey);
        return new Held(storeKey, current, current == null ? List.of() : KvSiblings.live(current, w.now()));
    }

    /** Why {@code write} may not apply to a key whose live versions are {@code live}; null when it may. */
    private static String precondition(KvWriteRequested write, List<KvSibling> live) {
        if (write.getCreateOnly() && !live.isEmpty()) {
            return "the key " + write.getKey() + " exists (If-None-Match: *)";
        }
        if (write.getIfMatch() != null) {
            if (live.isEmpty()) {
                return "the key " + write.getKey() + " does not exist (If-Match)";
            }
            final java.util.Map<String, Long> context = KvSiblings.context(live);
            if (!KvVersions.matches(write.getIfMatch(), context)) {
                return "the key " + write.getKey() + " is at " + KvVersions.etag(context) + ", not "
                        + write.getIfMatch();
            }
        }
        return null;
    }

    private OperationOutcome delete(Write w, KvNamespace namespace) {
        final KvWriteRequested write = w.event();
        final Held held = held(w);
        final String storeKey = held.storeKey();
        final KvEntry current = held.current();
        final List<KvSibling> live = held.live();
        final String precondition = precondition(write, live);
        if (!live.isEmpty() && precondition != null) {
            return w.rejected(412, "precondition-failed", "Precondition failed", precondition);
        }
        if (current != null) {
            state.store(storeKey, current, List.of(), namespace);
            // the other data centres remove what this one removed, expired versions too, and keep what it never saw
            share(w, KvChange.newBuilder().setOwner(namespace.getOwner()).setVersion(KvVersions.advanced(
                    KvSiblings.context(current), settings.datacenter(), w.offset())));
        }
        if (live.isEmpty()) {
            return w.rejected(404, "not-found", "No such key", "no key " + write.getKey() + " in "
                    + write.getNamespace());
        }
        return w.accepted(204, KvJson.entry(write.getNamespace(), write.getKey(), current));
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
            // a key written again since keeps its new value; only the version that set this TTL expires here
            if (entry != null && KvSiblings.of(entry).stream().anyMatch(v -> v.getEventId().equals(item.value))) {
                final List<KvSibling> live = KvSiblings.live(entry, now);
                if (live.size() < 1 + entry.getSiblings().size()) {
                    state.store(storeKey, entry, live, namespaces.get(storeKey.substring(0, storeKey.indexOf('/'))));
                }
            }
            expiry.delete(item.key);
        }
    }
}

package io.eventline.kv;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Merges the writes another data centre accepted ({@code <alias>.kv.changes.v1}) into this one's stores, on the
 * same partition as this data centre's own writes to the namespace. Nothing is refused here: the other data centre
 * decided ownership, quotas and conditions, and this one stays available to both. Key versions merge by
 * {@link KvMerge}; a namespace's settings by hybrid logical clock (the later change stands), and two claims of one
 * name by the earlier claim. Whatever a rule sets aside goes to {@code kv.conflicts.v1}.
 */
final class KvChangeMerger implements Processor<String, KvChange, String, Object> {
    private final KvSettings settings;
    private ProcessorContext<String, Object> context;
    private KvState state;

    KvChangeMerger(KvSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.state = new KvState(context);
    }

    @Override
    public void process(Record<String, KvChange> record) {
        final KvChange change = record.value();
        if (change == null || change.getOrigin().equals(settings.datacenter())) {
            return;
        }
        final Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        switch (change.getOperation()) {
            case PUT_NAMESPACE -> putNamespace(change, now);
            case DELETE_NAMESPACE -> deleteNamespace(change);
            case PUT, DELETE -> keyChange(change, now);
        }
    }

    private void putNamespace(KvChange change, Instant now) {
        final KvNamespace held = state.namespaces.get(change.getNamespace());
        if (held != null && !held.getOwner().equals(change.getOwner())) {
            if (!claimedBefore(change.getHlc(), change.getOrigin(), held)) {
                return;
            }
            // claimed here after it was claimed there: the claim made here gives way, with what was written in it
            setAsideNamespace(held.getNamespace(), now);
            state.removeNamespace(held.getNamespace());
        } else if (held != null && !laterThan(change.getHlc(), change.getOrigin(), held)) {
            return;
        }
        final KvNamespace.Builder next = held != null && held.getOwner().equals(change.getOwner())
                ? KvNamespace.newBuilder(held)
                : KvNamespace.newBuilder().setNamespace(change.getNamespace()).setOwner(change.getOwner())
                .setCreatedAt(change.getUpdatedAt()).setKeys(0L).setBytes(0L);
        state.namespaces.put(change.getNamespace(), next
                .setMaxKeys(change.getMaxKeys() == null ? settings.defaultMaxKeys() : change.getMaxKeys())
                .setMaxBytes(change.getMaxBytes() == null ? settings.defaultMaxBytes() : change.getMaxBytes())
                .setConflicts(change.getConflicts() == null ? KvConflictPolicy.SIBLINGS : change.getConflicts())
                .setHlc(change.getHlc()).setOrigin(change.getOrigin())
                .build());
    }

    /** Only the claim it was made under: the same name held here by someone else stays. */
    private void deleteNamespace(KvChange change) {
        final KvNamespace held = state.namespaces.get(change.getNamespace());
        if (held != null && held.getOwner().equals(change.getOwner())) {
            state.removeNamespace(change.getNamespace());
        }
    }

    private static boolean laterThan(long hlc, String origin, KvNamespace held) {
        return hlc > held.getHlc() || hlc == held.getHlc() && origin.compareTo(held.getOrigin()) > 0;
    }

    private static boolean claimedBefore(long hlc, String origin, KvNamespace held) {
        return hlc < held.getHlc() || hlc == held.getHlc() && origin.compareTo(held.getOrigin()) < 0;
    }

    private void setAsideNamespace(String namespace, Instant now) {
        try (var all = state.entries.prefixScan(KvNames.storePrefix(namespace, ""),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            all.forEachRemaining(entry -> KvSiblings.of(entry.value).forEach(version -> record(namespace,
                    KvNames.keyOf(entry.key), new KvMerge.SetAside(null, version, KvConflictReason.NAMESPACE_GONE),
                    now)));
        }
    }

    private void keyChange(KvChange change, Instant now) {
        final KvNamespace namespace = state.namespaces.get(change.getNamespace());
        final String storeKey = KvNames.storeKey(change.getNamespace(), change.getKey());
        final KvEntry current = state.entries.get(storeKey);
        final List<KvSibling> held = current == null ? List.of() : KvSiblings.live(current, now);
        final KvMerge.Result merged;
        if (change.getOperation() == KvOperation.DELETE) {
            if (namespace != null && !namespace.getOwner().equals(change.getOwner())) {
                return;
            }
            merged = KvMerge.delete(held, change.getVersion());
        } else {
            final KvSibling incoming = new KvSibling(change.getValue(), change.getContentType(), change.getVersion(),
                    change.getEventId(), change.getUpdatedAt(), change.getExpiresAt(), change.getHlc(),
                    change.getOrigin());
            if (namespace == null || !namespace.getOwner().equals(change.getOwner())) {
                // deleted here, or claimed first by someone else: recorded, not applied
                record(change.getNamespace(), change.getKey(),
                        new KvMerge.SetAside(null, incoming, KvConflictReason.NAMESPACE_GONE), now);
                return;
            }
            merged = KvMerge.put(held, incoming, namespace.getConflicts(), settings.maxSiblings());
        }
        if (merged.changed() || current != null && held.size() < 1 + current.getSiblings().size()) {
            state.store(storeKey, current, merged.versions(), namespace);
        }
        merged.setAside().forEach(setAside -> record(change.getNamespace(), change.getKey(), setAside, now));
    }

    private void record(String namespace, String key, KvMerge.SetAside setAside, Instant now) {
        final String keptId = setAside.kept() == null ? "-" : setAside.kept().getEventId();
        context.forward(new Record<>(namespace, KvConflict.newBuilder()
                .setEventId(settings.datacenter() + "/" + setAside.dropped().getEventId() + "/" + keptId)
                .setDatacenter(settings.datacenter())
                .setNamespace(namespace)
                .setKey(key)
                .setReason(setAside.reason())
                .setKept(setAside.kept())
                .setDropped(setAside.dropped())
                .setRecordedAt(now)
                .build(), now.toEpochMilli()));
    }
}

package io.eventline.kv;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The versions of one key as a list: a {@link KvEntry} holds the newest (by hybrid logical clock, then data
 * centre) in its own fields and the others, written concurrently elsewhere, as siblings. Every data centre orders
 * the same versions the same way, so two that hold the same versions hold the same entry.
 */
public final class KvSiblings {
    /** Newest first: the higher clock, then the higher data centre name, then the higher event ID. */
    public static final Comparator<KvSibling> NEWEST_FIRST = Comparator.comparingLong(KvSibling::getHlc)
            .thenComparing(KvSibling::getOrigin)
            .thenComparing(KvSibling::getEventId)
            .reversed();

    private KvSiblings() {
    }

    /** Every version of {@code entry}, its own first. */
    public static List<KvSibling> of(KvEntry entry) {
        final List<KvSibling> versions = new ArrayList<>(1 + entry.getSiblings().size());
        versions.add(primary(entry));
        versions.addAll(entry.getSiblings());
        return versions;
    }

    /** The versions of {@code entry} not past their TTL at {@code now}, newest first; empty when none is. */
    public static List<KvSibling> live(KvEntry entry, Instant now) {
        final List<KvSibling> live = new ArrayList<>();
        for (KvSibling version : of(entry)) {
            if (version.getExpiresAt() == null || now.isBefore(version.getExpiresAt())) {
                live.add(version);
            }
        }
        live.sort(NEWEST_FIRST);
        return live;
    }

    /** The entry holding {@code versions} (at least one): the newest in its fields, the rest as siblings. */
    public static KvEntry entryOf(List<KvSibling> versions) {
        final List<KvSibling> sorted = new ArrayList<>(versions);
        sorted.sort(NEWEST_FIRST);
        final KvSibling newest = sorted.get(0);
        return new KvEntry(newest.getValue(), newest.getContentType(), newest.getVersion(), newest.getEventId(),
                newest.getUpdatedAt(), newest.getExpiresAt(), newest.getHlc(), newest.getOrigin(),
                new ArrayList<>(sorted.subList(1, sorted.size())));
    }

    /** The version a write that saw all of {@code versions} descends from: their join. */
    public static Map<String, Long> context(List<KvSibling> versions) {
        return KvVersions.join(versions.stream().map(KvSibling::getVersion).toList());
    }

    /** The version a write that saw every version of {@code entry} descends from. */
    public static Map<String, Long> context(KvEntry entry) {
        return entry.getSiblings().isEmpty() ? entry.getVersion() : context(of(entry));
    }

    /** What the versions count against the namespace's byte quota: the key once per version, with its value. */
    public static long sizeOf(String key, List<KvSibling> versions) {
        long size = 0;
        for (KvSibling version : versions) {
            size += KvNames.sizeOf(key, version.getValue().remaining());
        }
        return size;
    }

    /** The entry's own version as a sibling. */
    public static KvSibling primary(KvEntry entry) {
        return new KvSibling(entry.getValue(), entry.getContentType(), entry.getVersion(), entry.getEventId(),
                entry.getUpdatedAt(), entry.getExpiresAt(), entry.getHlc(), entry.getOrigin());
    }
}

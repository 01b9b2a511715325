package io.eventline.kv;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A value's version: per data centre, the offset + 1 in that data centre's {@code kv.writes.v1} partition of the
 * last write it made that the value descends from. Offsets only grow, so a key deleted and written again never
 * repeats an ETag, and with one entry per data centre the map is a version vector that cannot grow with the number
 * of writers: a data centre decides its writes one after another, so each of its writes descends from all its
 * earlier ones, and two versions are concurrent only when different data centres wrote them without seeing each
 * other's.
 */
public final class KvVersions {
    private KvVersions() {
    }

    /** {@code previous} (null for none) advanced by a write at {@code offset} in {@code datacenter}. */
    public static Map<String, Long> advanced(Map<String, Long> previous, String datacenter, long offset) {
        final Map<String, Long> next = previous == null ? new HashMap<>() : new HashMap<>(previous);
        next.put(datacenter, offset + 1);
        return next;
    }

    /** Whether {@code version} descends from (or equals) {@code other}: no entry of it is behind. */
    public static boolean descends(Map<String, Long> version, Map<String, Long> other) {
        for (Map.Entry<String, Long> entry : other.entrySet()) {
            if (version.getOrDefault(entry.getKey(), 0L) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Whether neither version descends from the other: the writes did not see each other. */
    public static boolean concurrent(Map<String, Long> one, Map<String, Long> other) {
        return !descends(one, other) && !descends(other, one);
    }

    /** The smallest version that descends from every one of {@code versions}: each entry's maximum. */
    public static Map<String, Long> join(Iterable<Map<String, Long>> versions) {
        final Map<String, Long> joined = new HashMap<>();
        for (Map<String, Long> version : versions) {
            version.forEach((dc, count) -> joined.merge(dc, count, Math::max));
        }
        return joined;
    }

    /** The quoted ETag of {@code version}: {@code "dc0-42"}, entries sorted and joined by {@code .}. */
    public static String etag(Map<String, Long> version) {
        return '"' + new TreeMap<>(version).entrySet().stream().map(e -> e.getKey() + '-' + e.getValue())
                .collect(Collectors.joining(".")) + '"';
    }

    /**
     * Whether an {@code If-Match} value names {@code version}: {@code *} matches any, a weak or unquoted form of
     * the ETag matches it too, and a list matches when one member does.
     */
    public static boolean matches(String ifMatch, Map<String, Long> version) {
        final String current = etag(version);
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (!tag.startsWith("\"")) {
                tag = '"' + tag + '"';
            }
            if (tag.equals(current)) {
                return true;
            }
        }
        return false;
    }
}

package io.eventline.kv;

import io.eventline.http.ProblemException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a caller has seen: per partition of {@code kv.writes.v1}, the offset of the newest write it wrote or read.
 * A strong read answers only from a copy that has applied that far, which gives read-your-writes and monotonic
 * reads across instances. Sent and returned as {@code Eventline-Consistency-Token: 3:1042.7:88}; an answer merges
 * what it adds into the caller's token, so the newest token covers everything before it.
 */
public record ConsistencyToken(Map<Integer, Long> offsets) {
    public static final String HEADER = "Eventline-Consistency-Token";
    public static final ConsistencyToken NONE = new ConsistencyToken(Map.of());
    /** More partitions than any topic here has: a longer token is not one this API wrote. */
    private static final int MAX_ENTRIES = 1024;

    public ConsistencyToken {
        offsets = Map.copyOf(offsets);
    }

    /** The token in {@code header}; none when absent; a 400 when it is not one this API returned. */
    public static ConsistencyToken parse(String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        final Map<Integer, Long> offsets = new TreeMap<>();
        final String[] entries = header.trim().split("\\.");
        if (entries.length > MAX_ENTRIES) {
            throw invalid();
        }
        for (String entry : entries) {
            final int colon = entry.indexOf(':');
            try {
                final int partition = Integer.parseInt(entry.substring(0, Math.max(colon, 0)));
                final long offset = Long.parseLong(entry.substring(colon + 1));
                if (partition < 0 || offset < 0) {
                    throw invalid();
                }
                offsets.merge(partition, offset, Math::max);
            } catch (NumberFormatException e) {
                throw invalid();
            }
        }
        return new ConsistencyToken(offsets);
    }

    private static ProblemException invalid() {
        return ProblemException.badRequest("the consistency token is not one this API returned",
                List.of(new ProblemException.FieldError("/headers/" + HEADER, "unknown token")));
    }

    /** The offset a copy of {@code partition} must have applied; -1 when the token covers none of it. */
    public long offsetOf(int partition) {
        return offsets.getOrDefault(partition, -1L);
    }

    /** This token covering {@code partition} up to {@code offset} as well. */
    public ConsistencyToken with(int partition, long offset) {
        if (offsetOf(partition) >= offset) {
            return this;
        }
        final Map<Integer, Long> more = new TreeMap<>(offsets);
        more.put(partition, offset);
        return new ConsistencyToken(more);
    }

    @Override
    public String toString() {
        return new TreeMap<>(offsets).entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining("."));
    }
}

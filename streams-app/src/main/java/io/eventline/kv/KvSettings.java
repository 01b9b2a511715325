package io.eventline.kv;

import java.time.Duration;
import java.util.List;

/**
 * How the key-value store behaves.
 *
 * @param datacenter      this data centre's name in versions ({@code dc<id>})
 * @param defaultMaxKeys  a namespace's key quota unless an admin sets another
 * @param defaultMaxBytes a namespace's byte quota (keys and values) unless an admin sets another
 * @param limitMaxKeys    the largest key quota even an admin may set
 * @param limitMaxBytes   the largest byte quota even an admin may set
 * @param expirySweep     how often keys past their TTL are removed (reads never return them anyway)
 * @param maxSiblings     the most versions a key keeps at once; past it the oldest are merged by the namespace's
 *                        policy, the merge recorded on {@code kv.conflicts.v1}
 * @param peers           the MirrorMaker 2 aliases of the other data centres, whose {@code <alias>.kv.changes.v1}
 *                        this one merges; empty for a single data centre
 */
public record KvSettings(String datacenter, long defaultMaxKeys, long defaultMaxBytes, long limitMaxKeys,
                         long limitMaxBytes, Duration expirySweep, int maxSiblings, List<String> peers) {
    public static final long DEFAULT_MAX_KEYS = 100_000;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    public static final int DEFAULT_MAX_SIBLINGS = 8;

    public KvSettings {
        if (maxSiblings < 1) {
            throw new IllegalArgumentException("maxSiblings must be at least 1, got " + maxSiblings);
        }
        peers = List.copyOf(peers);
        peers.forEach(KvTopics::mirroredChanges);
    }

    /** The defaults for data centre {@code datacenterId}, alone. */
    public static KvSettings defaults(int datacenterId) {
        return new KvSettings("dc" + datacenterId, DEFAULT_MAX_KEYS, DEFAULT_MAX_BYTES, 100_000_000L, 1L << 40,
                Duration.ofSeconds(1), DEFAULT_MAX_SIBLINGS, List.of());
    }

    /** These settings merging the changes of the data centres {@code aliases} too. */
    public KvSettings withPeers(List<String> aliases) {
        return new KvSettings(datacenter, defaultMaxKeys, defaultMaxBytes, limitMaxKeys, limitMaxBytes, expirySweep,
                maxSiblings, aliases);
    }

    public KvSettings withMaxSiblings(int max) {
        return new KvSettings(datacenter, defaultMaxKeys, defaultMaxBytes, limitMaxKeys, limitMaxBytes, expirySweep,
                max, peers);
    }
}

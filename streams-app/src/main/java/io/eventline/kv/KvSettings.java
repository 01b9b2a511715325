package io.eventline.kv;

import java.time.Duration;

/**
 * How the key-value store behaves.
 *
 * @param datacenter      this data centre's name in versions ({@code dc<id>})
 * @param defaultMaxKeys  a namespace's key quota unless an admin sets another
 * @param defaultMaxBytes a namespace's byte quota (keys and values) unless an admin sets another
 * @param limitMaxKeys    the largest key quota even an admin may set
 * @param limitMaxBytes   the largest byte quota even an admin may set
 * @param expirySweep     how often keys past their TTL are removed (reads never return them anyway)
 */
public record KvSettings(String datacenter, long defaultMaxKeys, long defaultMaxBytes, long limitMaxKeys,
                         long limitMaxBytes, Duration expirySweep) {
    public static final long DEFAULT_MAX_KEYS = 100_000;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    /** The defaults for data centre {@code datacenterId}. */
    public static KvSettings defaults(int datacenterId) {
        return new KvSettings("dc" + datacenterId, DEFAULT_MAX_KEYS, DEFAULT_MAX_BYTES, 100_000_000L, 1L << 40,
                Duration.ofSeconds(1));
    }
}

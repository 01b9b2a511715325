package io.eventline.ids;

/**
 * The bit layout of a Snowflake ID, for readers that route or decode IDs without generating any (the outcomes'
 * partitioner); the generator itself, {@code io.eventline.ids.SnowflakeIdGenerator}, is in the {@code clients}
 * module.
 */
public final class SnowflakeLayout {
    public static final int TIMESTAMP_BITS = 41;
    public static final int DATACENTER_BITS = 5;
    public static final int WORKER_BITS = 5;
    public static final int SEQUENCE_BITS = 12;

    public static final int MAX_DATACENTER_ID = (1 << DATACENTER_BITS) - 1;
    public static final int MAX_WORKER_ID = (1 << WORKER_BITS) - 1;
    public static final int MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1;
    public static final long MAX_TIMESTAMP = (1L << TIMESTAMP_BITS) - 1;

    static final int WORKER_SHIFT = SEQUENCE_BITS;
    static final int DATACENTER_SHIFT = SEQUENCE_BITS + WORKER_BITS;
    static final int TIMESTAMP_SHIFT = SEQUENCE_BITS + WORKER_BITS + DATACENTER_BITS;

    private SnowflakeLayout() {
    }

    /** The worker that generated {@code id}. */
    public static int workerId(long id) {
        return (int) ((id >>> WORKER_SHIFT) & MAX_WORKER_ID);
    }
}

package io.eventline.operations;

import io.eventline.ids.SnowflakeLayout;
import io.eventline.topics.KeyPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * Where an outcome lives in {@link OperationTopics#OUTCOMES}: the outcome of an event whose ID a Snowflake
 * generator minted goes to the partition of the worker that minted it ({@code workerId % partitionCount}), so
 * the instance awaiting it reads only {@link #partitionOfWorker its own partition}. Any other key, such as an
 * ID a client chose, is hashed as Kafka's default partitioner hashes a key (murmur2 of its UTF-8 bytes).
 *
 * <p>Every producer of outcomes and every lookup of the outcomes' store must use this partitioner.
 */
public final class OutcomePartitioner implements KeyPartitioner {
    /** The decimal form of {@link Long#MAX_VALUE}: no Snowflake ID is longer or, at this length, greater. */
    private static final String MAX_ID = Long.toString(Long.MAX_VALUE);

    @Override
    public int partition(String eventId, int partitionCount) {
        Objects.requireNonNull(eventId, "eventId");
        requirePartitions(partitionCount);
        if (isSnowflake(eventId)) {
            return partitionOfWorker(SnowflakeLayout.workerId(Long.parseLong(eventId)), partitionCount);
        }
        return Utils.toPositive(Utils.murmur2(eventId.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    /** The partition holding the outcomes of the events that worker {@code workerId} minted. */
    public int partitionOfWorker(int workerId, int partitionCount) {
        requirePartitions(partitionCount);
        if (workerId < 0 || workerId > SnowflakeLayout.MAX_WORKER_ID) {
            throw new IllegalArgumentException("workerId must be 0.." + SnowflakeLayout.MAX_WORKER_ID
                    + ", got " + workerId);
        }
        return workerId % partitionCount;
    }

    /** Whether {@code key} is the canonical decimal form of a non-negative {@code long}, as IDs are written. */
    static boolean isSnowflake(String key) {
        final int length = key.length();
        if (length == 0 || length > MAX_ID.length() || key.charAt(0) == '0' && length > 1) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            final char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return length < MAX_ID.length() || key.compareTo(MAX_ID) <= 0;
    }

    private static void requirePartitions(int partitionCount) {
        if (partitionCount < 1) {
            throw new IllegalArgumentException("partitionCount must be at least 1, got " + partitionCount);
        }
    }
}

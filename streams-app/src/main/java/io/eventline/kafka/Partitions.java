package io.eventline.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * Groups user IDs by the partition the default partitioner sends their key to, so a fan-out writes one record
 * per destination partition (keyed by its first user, which lands it on that partition) rather than one per
 * follower.
 */
public final class Partitions {
    /** Keeps each record well under the broker's message size limit. */
    public static final int MAX_USERS_PER_RECORD = 1_000;

    private final int partitions;

    public Partitions(int partitions) {
        this.partitions = partitions;
    }

    public int of(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Batches of user IDs that share a partition, each at most {@link #MAX_USERS_PER_RECORD} long. */
    public List<List<String>> batches(Iterable<String> userIds) {
        final Map<Integer, List<String>> open = new LinkedHashMap<>();
        final List<List<String>> full = new ArrayList<>();
        for (String userId : userIds) {
            final int partition = of(userId);
            final List<String> batch = open.computeIfAbsent(partition, p -> new ArrayList<>());
            batch.add(userId);
            if (batch.size() == MAX_USERS_PER_RECORD) {
                full.add(batch);
                open.remove(partition);
            }
        }
        full.addAll(open.values());
        return full;
    }
}

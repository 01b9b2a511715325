package io.eventline.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** What a topic holds, as far as seeding needs to know. */
public final class TopicContents {
    private static final long TIMEOUT_SECONDS = 30;

    private TopicContents() {
    }

    /** True when no record was ever written to {@code topic}: every partition's end offset is 0. */
    public static boolean neverWritten(Admin admin, String topic) throws InterruptedException, ExecutionException,
            TimeoutException {
        final int partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions().size();
        final Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(ends).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
                .mapToLong(info -> info.offset()).sum() == 0;
    }
}

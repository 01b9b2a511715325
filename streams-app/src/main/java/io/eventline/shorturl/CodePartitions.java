package io.eventline.shorturl;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition a code's link lives on: the one Kafka's default partitioner picks for the code as a string key,
 * as the code-claims, clicks and links topics are keyed and as redirects find their owner.
 */
final class CodePartitions {
    private final int partitions;

    CodePartitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        this.partitions = partitions;
    }

    int of(String code) {
        return Utils.toPositive(Utils.murmur2(code.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}

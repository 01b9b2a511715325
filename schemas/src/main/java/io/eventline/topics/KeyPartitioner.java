package io.eventline.topics;

/** Chooses the partition of a record from its key, where a topic needs other than Kafka's key hashing. */
@FunctionalInterface
public interface KeyPartitioner {

    /**
     * @param key            the record key, not null
     * @param partitionCount how many partitions the topic has, at least 1
     * @return a partition in {@code 0..partitionCount-1}
     */
    int partition(String key, int partitionCount);
}

package io.eventline.feed;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The feed's counters, as Kafka Streams metrics of group {@code stream-feed-metrics} (so {@code /metrics} shows
 * them as {@code kafka_stream_feed_<name>_total}; {@code misrouted} is counted where records enter, in
 * {@code TopologyKit}). Sensors are per stream thread; asking again for the same one returns it.
 */
final class FeedMetrics {
    private static final String SCOPE = "feed";

    /** Post IDs written into feeds. */
    final Sensor inserts;
    /** Inserts dropped because the follower had gone idle. */
    final Sensor skippedIdle;
    /** Records written to fan a post out: one per destination partition. */
    final Sensor deliveryRecords;
    /** Posts written once to the celebrity table instead of being fanned out. */
    final Sensor celebrityPosts;

    FeedMetrics(StreamsMetrics metrics) {
        this.inserts = sensor(metrics, "inserts");
        this.skippedIdle = sensor(metrics, "skipped-idle");
        this.deliveryRecords = sensor(metrics, "delivery-records");
        this.celebrityPosts = sensor(metrics, "celebrity-posts");
    }

    private static Sensor sensor(StreamsMetrics metrics, String operation) {
        return metrics.addRateTotalSensor(SCOPE, "all", operation, Sensor.RecordingLevel.INFO);
    }
}

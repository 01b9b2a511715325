package io.eventline.notify;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * Notification counts as Kafka Streams metrics of group {@code stream-notify-metrics}, tagged
 * {@code notify-id=<channel>} ({@code all} for whole requests): {@code /metrics} shows them as
 * {@code kafka_stream_notify_<outcome>_total}, e.g. {@code kafka_stream_notify_queued_total{notify_id="push"}}.
 */
final class NotifyMetrics {
    private static final String SCOPE = "notify";
    static final String ALL = "all";

    private final StreamsMetrics metrics;
    private final Map<String, Sensor> sensors = new HashMap<>();

    NotifyMetrics(StreamsMetrics metrics) {
        this.metrics = metrics;
    }

    /** Counts one {@code outcome} (requested, duplicate, dead-lettered, capped, queued, skipped, sent) of {@code entity}. */
    void record(String entity, String outcome) {
        sensors.computeIfAbsent(entity + ' ' + outcome,
                        name -> metrics.addRateTotalSensor(SCOPE, entity, outcome, Sensor.RecordingLevel.INFO))
                .record();
    }
}

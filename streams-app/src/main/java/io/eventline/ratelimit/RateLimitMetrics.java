package io.eventline.ratelimit;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * Decisions per rule, as Kafka Streams metrics of group {@code stream-ratelimit-metrics} with the tag
 * {@code ratelimit-id=<domain>/<rule>}: {@code /metrics} shows them as
 * {@code kafka_stream_ratelimit_{allowed,limited,shadow_limited}_total}.
 */
final class RateLimitMetrics {
    private static final String SCOPE = "ratelimit";

    private final StreamsMetrics metrics;
    private final Map<String, Sensor> sensors = new HashMap<>();

    RateLimitMetrics(StreamsMetrics metrics) {
        this.metrics = metrics;
    }

    void record(String domain, RateLimitRule rule, RateLimitDecision decision) {
        final String outcome = decision.getShadowLimited() ? "shadow-limited"
                : decision.getCode() == RateLimitCode.OK ? "allowed" : "limited";
        final String entity = domain + "/" + rule.getName();
        sensors.computeIfAbsent(entity + ' ' + outcome,
                        name -> metrics.addRateTotalSensor(SCOPE, entity, outcome, Sensor.RecordingLevel.INFO))
                .record();
    }
}

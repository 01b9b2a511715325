package io.eventline.streams;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import io.eventline.topics.Topic;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes the records keyed as their topic keys their events and refuses the others: state about a key lives on
 * that key's partition, and a record under another key would split it. A refused record is counted, forwarded
 * as {@link Refused} for the dead letters and, where someone awaits its outcome, answered.
 */
final class KeyCheck<V extends SpecificRecord> implements Processor<String, V, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(KeyCheck.class);
    static final String KIND = "io.eventline.streams.WronglyKeyedRecord";

    record Refused(Object value) {
    }

    record Answer(OperationOutcome outcome) {
    }

    private final Topic<V> topic;
    private final String domain;
    private final TopologyKit.Requests<V> requests;
    private ProcessorContext<String, Object> context;
    private Sensor misrouted;

    KeyCheck(Topic<V> topic, String domain, TopologyKit.Requests<V> requests) {
        this.topic = topic;
        this.domain = domain;
        this.requests = requests;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        // per stream thread; asking again for the same sensor returns it
        this.misrouted = context.metrics().addRateTotalSensor(domain, "all", "misrouted", Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<String, V> record) {
        final V event = record.value();
        if (event == null) {
            return;
        }
        final String reason = topic.misKeyed(record.key(), event);
        if (reason == null) {
            context.forward(record);
            return;
        }
        misrouted.record();
        LOG.warn("Refusing a {} keyed '{}' on {}: {}", event.getClass().getSimpleName(), record.key(), topic.name(),
                reason);
        context.forward(record.withValue((Object) new Refused(event)).withHeaders(DeadLetterHeaders.of(
                record.headers(), KIND, reason, context.recordMetadata().orElse(null))));
        final String eventId = requests == null ? null : requests.eventId(event);
        if (eventId != null) {
            final OperationOutcome outcome = Outcomes.rejected(eventId, requests.userId(event), 400,
                    "invalid-request", "Wrongly keyed event", reason, Instant.ofEpochMilli(record.timestamp()));
            context.forward(new Record<String, Object>(eventId, new Answer(outcome), record.timestamp(),
                    new RecordHeaders()));
        }
    }
}

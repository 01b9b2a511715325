package io.eventline.chat;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat step on the partition of its key (a channel or a user). Everything it emits is routed to its topic
 * by type.
 */
abstract class ChatProcessor<V> implements Processor<String, V, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(ChatProcessor.class);
    protected ProcessorContext<String, Object> context;

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public final void process(Record<String, V> record) {
        if (record.value() == null) {
            return;
        }
        // the key is the one the topic computes (TopologyKit#source); an ID holding the store keys' separator
        // would read as parts of other keys, and only producers other than Eventline's own can send one
        if (!ChatKeys.usable(record.key())) {
            LOG.warn("Ignoring a {} keyed '{}': not an ID a store key can hold",
                    record.value().getClass().getSimpleName(), record.key());
            return;
        }
        handle(record);
    }

    abstract void handle(Record<String, V> record);

    final void emit(Record<?, ?> cause, String key, Object value) {
        context.forward(new Record<>(key, value, cause.timestamp(), cause.headers()));
    }

    final void accepted(Record<?, ?> cause, String eventId, String userId, int status, String json) {
        if (eventId != null) {
            emit(cause, eventId, Outcomes.accepted(eventId, userId, status, json, Instant.ofEpochMilli(cause.timestamp())));
        }
    }

    final void rejected(Record<?, ?> cause, String eventId, String userId, int status, String slug, String title,
                        String detail) {
        if (eventId != null) {
            final OperationOutcome outcome = Outcomes.rejected(eventId, userId, status, slug, title, detail,
                    Instant.ofEpochMilli(cause.timestamp()));
            emit(cause, eventId, outcome);
        }
    }

    /** Answered exactly as a channel that does not exist: a stranger learns nothing from it. */
    final void notMember(Record<?, ?> cause, String eventId, String userId, String channelId) {
        channelNotFound(cause, eventId, userId, channelId);
    }

    final void channelNotFound(Record<?, ?> cause, String eventId, String userId, String channelId) {
        rejected(cause, eventId, userId, ChannelNotFound.STATUS, ChannelNotFound.SLUG, ChannelNotFound.TITLE,
                ChannelNotFound.detail(channelId));
    }
}

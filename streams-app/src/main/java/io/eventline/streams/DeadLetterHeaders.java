package io.eventline.streams;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Headers of a record a processor sends to {@link StreamsSettings#DEAD_LETTER_TOPIC} itself: the names Kafka
 * Streams' dead-letter queue uses, so one reader understands every record on the shared topic.
 */
public final class DeadLetterHeaders {
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";

    private DeadLetterHeaders() {
    }

    /** The reason a record was refused ({@code kind} names it, {@code reason} words it) and where it was read. */
    public static Headers of(Headers original, String kind, String reason, RecordMetadata source) {
        final Headers headers = new RecordHeaders(original.toArray());
        headers.add(EXCEPTION, utf8(kind));
        headers.add(MESSAGE, utf8(reason));
        if (source != null) {
            headers.add(TOPIC, utf8(source.topic()));
            headers.add(PARTITION, utf8(Integer.toString(source.partition())));
            headers.add(OFFSET, utf8(Long.toString(source.offset())));
        }
        return headers;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}

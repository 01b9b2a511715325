package io.eventline.notify.sending;

import io.eventline.registry.client.SchemaRegistryException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** A record that could not be read, copied as it was with the error in its headers. */
final class RawDeadLetter {
    // the header names Kafka Streams' dead-letter queue uses, so one reader understands both on the shared topic
    static final String EXCEPTION = "__streams.errors.exception";
    static final String MESSAGE = "__streams.errors.message";
    static final String STACKTRACE = "__streams.errors.stacktrace";
    static final String TOPIC = "__streams.errors.topic";
    static final String PARTITION = "__streams.errors.partition";
    static final String OFFSET = "__streams.errors.offset";

    private RawDeadLetter() {
    }

    /**
     * Whether a record that failed to deserialize is unreadable for good, rather than because the schema
     * registry could not be reached (no error code) or failed (5xx); only the former belong in dead letters.
     */
    static boolean unreadable(SerializationException error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registryError) {
                final int code = registryError.errorCode();
                return code >= 40_000 && code < 50_000;
            }
        }
        return true;
    }

    static ProducerRecord<String, byte[]> of(String deadLetterTopic, ConsumerRecord<String, byte[]> record,
                                             Exception error) {
        final Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(EXCEPTION, utf8(error.getClass().getName()));
        headers.add(MESSAGE, utf8(String.valueOf(error.getMessage())));
        headers.add(STACKTRACE, utf8(stackTrace(error)));
        headers.add(TOPIC, utf8(record.topic()));
        headers.add(PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(OFFSET, utf8(Long.toString(record.offset())));
        return new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), headers);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String stackTrace(Exception error) {
        final StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}

package io.eventline.streams;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record the streams cannot write (too large for the broker, or not serializable) goes to the dead-letter topic
 * with the error in its headers, and the application goes on; by default Kafka Streams stops the thread, which
 * is replaced, replays the same record and stops again. Errors worth a retry (a broker briefly away) are still
 * retried.
 */
public final class DeadLetteringProductionHandler extends DefaultProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringProductionHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        final Response response = super.handleError(context, record, exception);
        if (response.result() == Result.RETRY) {
            return response;
        }
        LOG.error("A record for {} from {} (partition {}, offset {}) could not be written and goes to the dead "
                        + "letters: {}", record.topic(), context.topic(), context.partition(), context.offset(),
                exception.toString());
        return Response.resume(response.deadLetterQueueRecords());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        final Response response = super.handleSerializationError(context, record, exception, origin);
        LOG.error("A record for {} from {} (partition {}, offset {}) could not be serialized ({}) and goes to the "
                        + "dead letters: {}", record.topic(), context.topic(), context.partition(), context.offset(),
                origin, exception.toString());
        return Response.resume(response.deadLetterQueueRecords());
    }
}

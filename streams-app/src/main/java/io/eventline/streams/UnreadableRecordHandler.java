package io.eventline.streams;

import io.eventline.registry.client.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be read goes to the dead-letter topic, unless it could not be read because the schema
 * registry did not answer (after the registry client waited for it): such a record is readable, so its thread
 * stops without skipping it, is replaced, and reads the record again from the last commit.
 */
public final class UnreadableRecordHandler extends LogAndContinueExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadableRecordHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (registryUnavailable(exception)) {
            LOG.error("The schema registry did not answer while reading {} (partition {}, offset {}); the record "
                    + "is read again once its thread is replaced: {}", record.topic(), record.partition(),
                    record.offset(), exception.toString());
            return Response.fail();
        }
        return super.handleError(context, record, exception);
    }

    static boolean registryUnavailable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry && registry.isTransient()) {
                return true;
            }
        }
        return false;
    }
}

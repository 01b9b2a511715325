package io.eventline.streams;

import io.eventline.ids.IdsUnavailableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose processing fails is logged and skipped, unless it failed only because the instance may not issue
 * IDs now (it lost its worker lease): such a record is fine, so its thread stops without skipping it, is replaced,
 * and processes the record again from the last commit, here once the lease is back or on the instance that takes
 * over its task.
 */
public final class RetriedProcessingHandler extends LogAndContinueProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RetriedProcessingHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (idsUnavailable(exception)) {
            LOG.warn("Processor {} could not issue an ID for a record of {} (partition {}, offset {}); the record is"
                    + " processed again once its thread is replaced: {}", context.processorNodeId(),
                    context.topic(), context.partition(), context.offset(), exception.getMessage());
            return Response.fail();
        }
        return super.handleError(context, record, exception);
    }

    static boolean idsUnavailable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IdsUnavailableException) {
                return true;
            }
        }
        return false;
    }
}

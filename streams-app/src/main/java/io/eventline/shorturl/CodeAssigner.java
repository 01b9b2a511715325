package io.eventline.shorturl;

import io.eventline.streams.WindowLookups;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Runs on the requesting user's partition: picks the code a request will claim. A custom alias is claimed as
 * asked; otherwise the user's earlier code for the same link is reused, or a fresh code is drawn from this
 * partition's counter. The choice is stored by event ID first, so a replayed request claims the same code; it is
 * kept as long as the requests topic keeps the request.
 */
final class CodeAssigner implements Processor<String, ShortUrlRequested, String, CodeClaimed> {
    private final CodeCipher cipher;
    private final int partitions;
    private ProcessorContext<String, CodeClaimed> context;
    private WindowStore<String, String> assigned;
    private KeyValueStore<String, String> dedupe;
    private KeyValueStore<String, Long> counters;

    CodeAssigner(CodeCipher cipher, int partitions) {
        this.cipher = cipher;
        this.partitions = partitions;
    }

    @Override
    public void init(ProcessorContext<String, CodeClaimed> context) {
        this.context = context;
        this.assigned = context.getStateStore(ShortUrlStores.ASSIGNED_CODES);
        this.dedupe = context.getStateStore(ShortUrlStores.DEDUPE);
        this.counters = context.getStateStore(ShortUrlStores.COUNTERS);
    }

    @Override
    public void process(Record<String, ShortUrlRequested> record) {
        final ShortUrlRequested request = record.value();
        if (request == null) {
            return;
        }
        final String eventId = request.getEventId();
        final KeyValue<Long, String> assignment = WindowLookups.latest(assigned, eventId);
        final String earlier = assignment == null ? null : assignment.value;
        final boolean custom = request.getCustomCode() != null && request.getRejectedCode() == null;
        final String code;
        if (request.getRejectedCode() != null) {
            code = request.getRejectedCode().equals(earlier) || earlier == null ? freshCode(request) : earlier;
        } else if (earlier != null) {
            code = earlier;
        } else if (custom) {
            code = request.getCustomCode();
        } else {
            final String known = dedupe.get(dedupeKey(request));
            code = known != null ? known : freshCode(request);
        }
        assigned.put(eventId, code, record.timestamp());
        context.forward(record.withKey(code).withValue(CodeClaimed.newBuilder()
                .setEventId(eventId).setTimestamp(request.getTimestamp()).setUserId(request.getUserId())
                .setUrl(request.getUrl()).setRedirect(request.getRedirect()).setCode(code).setCustom(custom)
                .build()));
    }

    private String freshCode(ShortUrlRequested request) {
        final int partition = context.recordMetadata().map(m -> m.partition()).orElse(0);
        final String counterKey = Integer.toString(partition);
        final Long next = counters.get(counterKey);
        final long counter = next == null ? 0 : next;
        counters.put(counterKey, counter + 1);
        // interleaving partitions keeps the index dense and unique across the cluster without coordination
        final long index = counter * partitions + partition;
        final String code = cipher.codeOf(index);
        if (ReservedCodes.isReserved(code)) {
            return freshCode(request);
        }
        dedupe.put(dedupeKey(request), code);
        return code;
    }

    static String dedupeKey(ShortUrlRequested request) {
        return request.getUserId() + '\u0000' + request.getRedirect() + '\u0000' + request.getUrl();
    }
}

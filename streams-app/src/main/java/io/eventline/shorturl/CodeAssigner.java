package io.eventline.shorturl;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs on the requesting user's partition. A generated code is decided here, in one step: the partition walks
 * the code permutation and keeps only codes whose own partition is this one, so the link is stored, and any
 * alias that took the code first is seen, in this task's links store; the link and its outcome leave at once.
 * A custom alias goes on as a claim to its code's partition, the single writer of every code.
 */
final class CodeAssigner implements Processor<String, ShortUrlRequested, String, SpecificRecord> {
    private final CodeCipher cipher;
    private final CodePartitions placement;
    private final String publicUrl;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, String> dedupe;
    private KeyValueStore<String, Long> counters;
    private KeyValueStore<String, LinkCreated> links;

    CodeAssigner(CodeCipher cipher, CodePartitions placement, String publicUrl) {
        this.cipher = cipher;
        this.placement = placement;
        this.publicUrl = publicUrl;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.dedupe = context.getStateStore(ShortUrlStores.DEDUPE);
        this.counters = context.getStateStore(ShortUrlStores.COUNTERS);
        this.links = context.getStateStore(ShortUrlStores.LINKS);
    }

    @Override
    public void process(Record<String, ShortUrlRequested> record) {
        final ShortUrlRequested request = record.value();
        if (request == null) {
            return;
        }
        if (request.getCustomCode() != null && request.getRejectedCode() == null) {
            claim(record, request.getCustomCode(), true);
            return;
        }
        final int partition = partition();
        final String known = dedupe.get(dedupeKey(request));
        if (known != null && !known.equals(request.getRejectedCode())) {
            if (placement.of(known) != partition) {
                // a code drawn before codes were placed by partition: its link lives where the claim goes
                claim(record, known, false);
                return;
            }
            final LinkCreated existing = links.get(known);
            if (existing == null || existing.getEventId().equals(request.getEventId())) {
                // a replay, or a link a crash lost after its code was remembered: made (again) as it was
                create(record, known);
                return;
            }
            if (sameLink(existing, request)) {
                outcome(record, Outcomes.accepted(request.getEventId(), request.getUserId(), 200,
                        LinkJson.of(existing, publicUrl), Instant.ofEpochMilli(record.timestamp())));
                return;
            }
        }
        final String code = freshCode(partition);
        // written through at once, before the outcome: a replay after a crash finds the code it answered with
        dedupe.put(dedupeKey(request), code);
        create(record, code);
    }

    private void create(Record<String, ShortUrlRequested> record, String code) {
        final ShortUrlRequested request = record.value();
        final LinkCreated link = LinkCreated.newBuilder().setEventId(request.getEventId())
                .setTimestamp(request.getTimestamp()).setCode(code).setUrl(request.getUrl())
                .setRedirect(request.getRedirect()).setOwnerId(request.getUserId()).build();
        links.put(code, link);
        context.forward(record.withKey(code).withValue(link));
        outcome(record, Outcomes.accepted(request.getEventId(), request.getUserId(), 201,
                LinkJson.of(link, publicUrl), Instant.ofEpochMilli(record.timestamp())));
    }

    private void claim(Record<String, ShortUrlRequested> record, String code, boolean custom) {
        final ShortUrlRequested request = record.value();
        context.forward(record.withKey(code).withValue(CodeClaimed.newBuilder()
                .setEventId(request.getEventId()).setTimestamp(request.getTimestamp()).setUserId(request.getUserId())
                .setUrl(request.getUrl()).setRedirect(request.getRedirect()).setCode(code).setCustom(custom)
                .build()));
    }

    private void outcome(Record<String, ShortUrlRequested> record, OperationOutcome outcome) {
        context.forward(record.withKey(outcome.getEventId()).withValue(outcome));
    }

    /**
     * The next code of the permutation that belongs to this partition, is no reserved word and no alias took:
     * partitions keep disjoint codes, so no two partitions can draw the same one.
     */
    private String freshCode(int partition) {
        final String counterKey = Integer.toString(partition);
        final Long next = counters.get(counterKey);
        long index = next == null ? 0 : next;
        String code;
        do {
            code = cipher.codeOf(index++);
        } while (placement.of(code) != partition || ReservedCodes.isReserved(code) || links.get(code) != null);
        counters.put(counterKey, index);
        return code;
    }

    private int partition() {
        return context.recordMetadata().map(m -> m.partition()).orElse(0);
    }

    private static boolean sameLink(LinkCreated existing, ShortUrlRequested request) {
        return existing.getOwnerId().equals(request.getUserId()) && existing.getUrl().equals(request.getUrl())
                && existing.getRedirect() == request.getRedirect();
    }

    static String dedupeKey(ShortUrlRequested request) {
        return request.getUserId() + '\u0000' + request.getRedirect() + '\u0000' + request.getUrl();
    }
}

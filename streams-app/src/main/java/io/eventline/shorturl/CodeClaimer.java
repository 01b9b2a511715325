package io.eventline.shorturl;

import io.eventline.operations.Outcomes;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs on the code's partition, the single place that decides who owns a code. Emits the new link and its
 * outcome, the outcome alone when the caller already owns the same link, a 409 for a taken alias, or, for a
 * generated code that an alias already took, the request again to draw another code.
 */
final class CodeClaimer implements Processor<String, CodeClaimed, String, SpecificRecord> {
    private final String publicUrl;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, LinkCreated> links;

    CodeClaimer(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.links = context.getStateStore(ShortUrlStores.LINKS);
    }

    @Override
    public void process(Record<String, CodeClaimed> record) {
        final CodeClaimed claim = record.value();
        if (claim == null) {
            return;
        }
        final LinkCreated existing = links.get(claim.getCode());
        final Instant now = Instant.ofEpochMilli(record.timestamp());
        if (existing == null || existing.getEventId().equals(claim.getEventId())) {
            final LinkCreated link = existing != null ? existing : LinkCreated.newBuilder()
                    .setEventId(claim.getEventId()).setTimestamp(claim.getTimestamp()).setCode(claim.getCode())
                    .setUrl(claim.getUrl()).setRedirect(claim.getRedirect()).setOwnerId(claim.getUserId()).build();
            links.put(link.getCode(), link);
            // re-sent on replay too: a crash may have lost it after the store write
            context.forward(record.withKey(link.getCode()).withValue(link));
            outcome(record, Outcomes.accepted(claim.getEventId(), claim.getUserId(), 201, LinkJson.of(link, publicUrl), now));
        } else if (sameLink(existing, claim)) {
            outcome(record, Outcomes.accepted(claim.getEventId(), claim.getUserId(), 200, LinkJson.of(existing, publicUrl), now));
        } else if (claim.getCustom()) {
            outcome(record, Outcomes.rejected(claim.getEventId(), claim.getUserId(), 409, "code-taken",
                    "Code already taken", "the code '" + claim.getCode() + "' belongs to another link", now));
        } else {
            context.forward(record.withKey(claim.getUserId()).withValue(ShortUrlRequested.newBuilder()
                    .setEventId(claim.getEventId()).setTimestamp(claim.getTimestamp()).setUserId(claim.getUserId())
                    .setUrl(claim.getUrl()).setRedirect(claim.getRedirect()).setRejectedCode(claim.getCode())
                    .build()));
        }
    }

    private void outcome(Record<String, CodeClaimed> record, io.eventline.operations.OperationOutcome outcome) {
        context.forward(record.withKey(outcome.getEventId()).withValue(outcome));
    }

    private static boolean sameLink(LinkCreated existing, CodeClaimed claim) {
        return existing.getOwnerId().equals(claim.getUserId()) && existing.getUrl().equals(claim.getUrl())
                && existing.getRedirect() == claim.getRedirect();
    }
}

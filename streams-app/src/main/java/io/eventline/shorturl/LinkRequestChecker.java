package io.eventline.shorturl;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import io.eventline.streams.DeadLetterHeaders;
import java.time.Instant;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Checks every request on {@code shorturl.requests.v1} as the web layer checks a posted one, since any producer
 * may write there: a valid request goes on with its link in ASCII form; an invalid one goes to the dead letters
 * with the reason, and its caller, if one waits, gets a 400 outcome.
 */
public final class LinkRequestChecker implements Processor<String, ShortUrlRequested, String, Object> {
    private static final Pattern ALIAS = Pattern.compile("[0-9A-Za-z_-]{3,32}");

    /** A request refused for {@code reason}, on its way to the dead letters. */
    record Refused(ShortUrlRequested request, String reason) {
    }

    private final LinkUrls links;
    private ProcessorContext<String, Object> context;

    LinkRequestChecker(LinkUrls links) {
        this.links = links;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ShortUrlRequested> record) {
        final ShortUrlRequested request = record.value();
        if (request == null) {
            return;
        }
        final Verdict verdict = verdict(links, request);
        if (verdict.reason() != null) {
            refuse(record, verdict.reason());
            return;
        }
        context.forward(verdict.url().equals(request.getUrl()) ? record
                : record.withValue(ShortUrlRequested.newBuilder(request).setUrl(verdict.url()).build()));
    }

    /**
     * Why this step refuses {@code request}, or null when it lets it through: for a dead letter checked again
     * before it is replayed.
     */
    public static String refusal(LinkUrls links, ShortUrlRequested request) {
        return verdict(links, request).reason();
    }

    /** The request's link in ASCII form, or the reason it is refused. */
    private record Verdict(String url, String reason) {
    }

    private static Verdict verdict(LinkUrls links, ShortUrlRequested request) {
        final String url;
        try {
            url = links.canonical(request.getUrl());
        } catch (LinkUrls.InvalidLinkException e) {
            return new Verdict(null, e.getMessage());
        }
        if (request.getRedirect() != 301 && request.getRedirect() != 302) {
            return new Verdict(null, "redirect must be 301 or 302");
        }
        final String code = request.getCustomCode();
        if (code != null && (!ALIAS.matcher(code).matches() || ReservedCodes.isReserved(code))) {
            return new Verdict(null, "code must be 3 to 32 characters of [0-9A-Za-z_-] and not reserved");
        }
        return new Verdict(url, null);
    }

    private void refuse(Record<String, ShortUrlRequested> record, String reason) {
        final ShortUrlRequested request = record.value();
        context.forward(record.withValue(new Refused(request, reason)).withHeaders(DeadLetterHeaders.of(
                record.headers(), "io.eventline.shorturl.InvalidLinkRequest", reason,
                context.recordMetadata().orElse(null))));
        if (request.getEventId() != null && request.getUserId() != null) {
            final OperationOutcome outcome = Outcomes.rejected(request.getEventId(), request.getUserId(), 400,
                    "invalid-link", "Invalid link", reason, Instant.ofEpochMilli(record.timestamp()));
            context.forward(record.withKey(outcome.getEventId()).withValue(outcome)
                    .withHeaders(new RecordHeaders()));
        }
    }
}

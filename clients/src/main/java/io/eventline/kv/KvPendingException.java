package io.eventline.kv;

import java.net.URI;
import java.util.Optional;

/**
 * A write accepted but not decided within the server's wait ({@code 202}): it may still be applied or rejected.
 * {@link #operation()} reports its outcome once known ({@code GET /api/v1/operations/{eventId}}, kept 7 days).
 * Until then a read may or may not see it.
 */
public final class KvPendingException extends KvException {
    private static final long serialVersionUID = 1L;

    private final String eventId;
    private final URI operation;

    public KvPendingException(String eventId, URI operation) {
        super(202, "", "Accepted, still pending", "operation " + eventId + " at " + operation, Optional.empty());
        this.eventId = eventId;
        this.operation = operation;
    }

    /** The write's event ID. */
    public String eventId() {
        return eventId;
    }

    /** The absolute URI of the operation that reports the write's outcome. */
    public URI operation() {
        return operation;
    }
}

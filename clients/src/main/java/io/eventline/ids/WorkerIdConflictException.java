package io.eventline.ids;

import java.time.Instant;
import java.util.Optional;

/**
 * Thrown when another live instance holds the lease on this instance's (datacenter, worker) pair, or took it
 * first in a race; starting anyway would let two Snowflake generators issue the same IDs.
 */
public final class WorkerIdConflictException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String holder;
    private final transient Instant expiresAt;

    WorkerIdConflictException(String message, String holder, Instant expiresAt) {
        super(message);
        this.holder = holder;
        this.expiresAt = expiresAt;
    }

    /** The instance ID holding the lease. */
    public String holder() {
        return holder;
    }

    /** When the holder's lease runs out unless renewed, if known. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }
}

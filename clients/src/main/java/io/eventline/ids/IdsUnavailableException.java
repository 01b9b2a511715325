package io.eventline.ids;

/**
 * Thrown instead of an ID while a generator may not issue any: its instance does not hold the lease on its
 * (datacenter, worker) pair, so another may, and IDs issued now could repeat. It passes once the lease is held again.
 */
public final class IdsUnavailableException extends IllegalStateException {
    public IdsUnavailableException(String message) {
        super(message);
    }
}

package io.eventline.query;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Instances that refused a connection lately: a killed instance stays the owner of its keys until the group drops
 * it (the session timeout), and every call to it in that time would fail the same way. For {@link #HOLD} after a
 * refusal, callers go straight to what they do without it (a standby, a rule's failure mode).
 */
public final class UnreachableInstances {
    /** How long a refusal stands before the instance is tried again. */
    public static final Duration HOLD = Duration.ofSeconds(1);

    private final ConcurrentHashMap<HostInfo, Long> refusedUntilNanos = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public UnreachableInstances() {
        this(System::nanoTime);
    }

    UnreachableInstances(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Whether {@code host} refused a connection within the last {@link #HOLD}. */
    public boolean unreachable(HostInfo host) {
        final Long until = refusedUntilNanos.get(host);
        if (until == null) {
            return false;
        }
        if (nanoTime.getAsLong() - until < 0) {
            return true;
        }
        refusedUntilNanos.remove(host, until);
        return false;
    }

    /** Notes that {@code host} refused a connection; true when it was not already taken as unreachable. */
    public boolean refused(HostInfo host) {
        final long until = nanoTime.getAsLong() + HOLD.toNanos();
        final Long before = refusedUntilNanos.put(host, until);
        return before == null || nanoTime.getAsLong() - before >= 0;
    }
}

package io.eventline.crawler;

import java.util.Collection;

/** Where the frontier hands released requests: the fetch workers. Never blocks the stream thread. */
public interface FetchDispatch {
    /** Takes {@code job} if a worker is free for it; false, at once, when all are busy. */
    boolean offer(FetchJob job);

    /**
     * Aborts the requests running for {@code politenessKeys}, unreported, and returns once they stopped (or after
     * a bound): a frontier task that closes hands its keys to another owner, which releases them again.
     */
    void abandon(Collection<String> politenessKeys);
}

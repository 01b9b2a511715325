package io.eventline.crawler;

/** Where the frontier hands released requests: the fetch workers. Never blocks the stream thread. */
@FunctionalInterface
public interface FetchDispatch {
    /** Takes {@code job} if a worker is free for it; false, at once, when all are busy. */
    boolean offer(FetchJob job);
}

package io.eventline.chat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Live queue entries on their way to a user's sockets once their texts are in, in the order the hub read them:
 * an entry whose text is in at once (cached, or in this instance's history) goes out at once unless an earlier
 * one still waits, so sockets see no gap that a text read made. An entry whose text cannot be read is left to the
 * next read of the queue, which the gap it leaves makes the socket do.
 */
final class LiveEntries {
    private final Function<SyncEntry, CompletableFuture<SyncEntry>> texts;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    /** @param texts the entry with its message's text, as {@link MessageTexts#complete} gives it */
    LiveEntries(Function<SyncEntry, CompletableFuture<SyncEntry>> texts) {
        this.texts = texts;
    }

    /** Hands {@code entry} of {@code userId}'s queue, with its text, to {@code send}, after the user's earlier ones. */
    void deliver(SyncEntry entry, String userId, Consumer<SyncEntry> send) {
        final CompletableFuture<SyncEntry> complete = texts.apply(entry);
        final AtomicReference<CompletableFuture<Void>> last = new AtomicReference<>();
        waiting.compute(userId, (user, earlier) -> {
            final CompletableFuture<Void> sent = (earlier == null ? complete
                    : earlier.thenCombine(complete, (done, full) -> full))
                    .thenAccept(send)
                    .exceptionally(error -> null);
            last.set(sent);
            return sent.isDone() ? null : sent;
        });
        // outside the map's update: a future that completes meanwhile runs this at once, on this thread
        final CompletableFuture<Void> sent = last.get();
        if (!sent.isDone()) {
            sent.whenComplete((done, error) -> waiting.remove(userId, sent));
        }
    }
}

package io.eventline.chat;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Live queue entries on their way to a user's sockets once their texts are in, in the order the hub read them:
 * an entry whose text is in at once (cached, or in this instance's history) goes out at once unless an earlier
 * one still waits, so sockets see no gap that a text read made. An entry whose text cannot be read is left to the
 * next read of the queue, which the gap it leaves makes the socket do.
 */
final class LiveEntries {
    private final MessageTexts texts;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    LiveEntries(MessageTexts texts) {
        this.texts = texts;
    }

    void deliver(SyncEntry entry, String userId, Supplier<Set<ChatSocket>> sockets) {
        final CompletableFuture<SyncEntry> complete = texts.complete(entry);
        waiting.compute(userId, (user, earlier) -> {
            final CompletableFuture<Void> sent = (earlier == null ? complete
                    : earlier.thenCombine(complete, (done, full) -> full))
                    .thenAccept(full -> send(full, sockets.get()))
                    .exceptionally(error -> null);
            if (sent.isDone()) {
                return null;
            }
            sent.whenComplete((done, error) -> waiting.remove(user, sent));
            return sent;
        });
    }

    private static void send(SyncEntry entry, Set<ChatSocket> sockets) {
        if (sockets != null) {
            final SyncDelivery.Entry frame = ChatSocket.entry(entry);
            sockets.forEach(socket -> socket.live(frame));
        }
    }
}

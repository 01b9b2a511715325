package io.eventline.chat;

import io.eventline.notify.InboxEntry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The chat sockets open on this instance, by user, and what each kind of live event means for them. */
public final class LocalSockets {
    private final ConcurrentHashMap<String, Set<ChatSocket>> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final LiveEntries liveEntries;
    private final ChatFrames frames;

    /** @param texts where queue entries' texts are read, since entries point at them */
    public LocalSockets(MessageTexts texts, ChatFrames frames) {
        this.frames = frames;
        this.liveEntries = new LiveEntries(texts::complete);
    }

    void add(ChatSocket socket) {
        byUser.compute(socket.userId(), (user, sockets) -> {
            final Set<ChatSocket> set = sockets == null ? ConcurrentHashMap.newKeySet() : sockets;
            if (set.add(socket)) {
                open.incrementAndGet();
            }
            return set;
        });
    }

    void remove(ChatSocket socket) {
        byUser.computeIfPresent(socket.userId(), (user, sockets) -> {
            if (sockets.remove(socket)) {
                open.decrementAndGet();
            }
            return sockets.isEmpty() ? null : sockets;
        });
    }

    /** The users with sockets open on this instance. */
    Set<String> users() {
        return Set.copyOf(byUser.keySet());
    }

    /** Closes every socket of {@code userId} on this instance from this side. */
    void close(String userId, int status, String reason) {
        final Set<ChatSocket> sockets = byUser.get(userId);
        if (sockets != null) {
            List.copyOf(sockets).forEach(socket -> socket.close(status, reason));
        }
    }

    /** Open sockets on this instance. */
    public int count() {
        return open.get();
    }

    /** Tells the sockets concerned: the user's of a queue entry or channel change, the audience's of presence. */
    void userEvent(ChatUserEvent event) {
        final Set<ChatSocket> own = byUser.get(event.getUserId());
        if (event.getEntry() != null && own != null) {
            liveEntries.deliver(event.getEntry(), event.getUserId(), full -> {
                final Set<ChatSocket> sockets = byUser.get(event.getUserId());
                if (sockets != null) {
                    final SyncDelivery.Entry frame = ChatSocket.entry(frames, full);
                    sockets.forEach(socket -> socket.live(frame));
                }
            });
        }
        if (event.getChannel() != null && own != null) {
            final String frame = frames.channel(event.getChannel(), event.getRemoved());
            own.forEach(socket -> socket.push("channel", frame));
        }
        if (event.getPresence() != null) {
            final String frame = frames.presence(event.getPresence());
            for (String contact : event.getAudience()) {
                final Set<ChatSocket> sockets = byUser.get(contact);
                if (sockets != null) {
                    sockets.forEach(socket -> socket.push("presence", frame));
                }
            }
        }
    }

    /** An in-app notification, delivered live to its user's sockets. */
    void notification(InboxEntry entry) {
        final Set<ChatSocket> sockets = byUser.get(entry.getUserId());
        if (sockets != null) {
            final String frame = frames.notification(entry);
            sockets.forEach(socket -> socket.push("notification", frame));
        }
    }

    /** How this instance's sockets write and read their frames. */
    ChatFrames frames() {
        return frames;
    }
}

package io.eventline.chat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The frames on their way to one socket. A WebSocket session takes one send at a time, so frames are sent one
 * after another, each when the previous one completed; offering never blocks (the hub's consumer thread offers
 * to every socket). A socket that falls too far behind is closed: its client reconnects and reads the rest of
 * its queue from its cursor.
 */
final class Outbox {
    /** A client that lets this many frames pile up is not reading. */
    static final int MAX_QUEUED_FRAMES = 10_000;
    /** The close code of a socket that fell behind: try again later. */
    static final int TRY_AGAIN_LATER = 1013;

    /** One frame; {@code createdAt} is the message's time for {@code message} frames, else null. */
    record Frame(String type, String text, Instant createdAt) {
    }

    /** Where frames go: a WebSocket session, or a test's list. */
    interface Sink {
        /** Starts sending {@code text}; calls exactly one of {@code sent} and {@code failed} when done. */
        void send(String text, Runnable sent, Consumer<Throwable> failed);

        void close(int status, String reason);
    }

    private final Sink sink;
    private final Consumer<Frame> onSent;
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean pumping;
    private boolean closed;

    /** @param onSent told of each frame once it is sent (for metrics) */
    Outbox(Sink sink, Consumer<Frame> onSent) {
        this.sink = sink;
        this.onSent = onSent;
    }

    /** Queues a frame; false when the socket is closed or was closed for falling behind. */
    synchronized boolean offer(Frame frame) {
        if (closed) {
            return false;
        }
        if (queue.size() >= MAX_QUEUED_FRAMES) {
            close(TRY_AGAIN_LATER, "the client fell too far behind; reconnect to resume from the cursor");
            return false;
        }
        queue.add(frame);
        pump();
        return true;
    }

    /** Closes the socket and drops what was not sent. */
    synchronized void close(int status, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        sink.close(status, reason);
    }

    /** Stops sending without closing the socket (it is closed already). */
    synchronized void discard() {
        closed = true;
        queue.clear();
    }

    synchronized int queued() {
        return queue.size();
    }

    private void pump() {
        if (pumping) {
            // a send that completed at once, inside the loop below: the loop goes on with the next frame
            return;
        }
        pumping = true;
        try {
            while (!sending && !closed && !queue.isEmpty()) {
                final Frame frame = queue.poll();
                sending = true;
                sink.send(frame.text(), () -> sent(frame), this::failed);
            }
        } finally {
            pumping = false;
        }
    }

    private void sent(Frame frame) {
        onSent.accept(frame);
        synchronized (this) {
            sending = false;
            pump();
        }
    }

    private synchronized void failed(Throwable error) {
        sending = false;
        discard();
    }
}

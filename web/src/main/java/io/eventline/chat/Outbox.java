package io.eventline.chat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The frames on their way to one socket. A WebSocket session takes one send at a time, so frames are sent one
 * after another, each when the previous one completed; offering never blocks (the hub's consumer thread offers
 * to every socket). A socket that falls too far behind, in frames or in the memory its frames hold, is closed
 * with 1008: its client reconnects and reads the rest of its queue from its cursor.
 */
final class Outbox {
    /** A client that lets this many frames pile up is not reading. */
    static final int MAX_QUEUED_FRAMES = 10_000;
    /** The close code of a socket whose server side cannot go on now: try again later. */
    static final int TRY_AGAIN_LATER = 1013;
    /** The close code of a socket that fell behind: it broke the policy of reading what it is sent. */
    static final int FELL_BEHIND = 1008;

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
    private final long maxQueuedBytes;
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean sending;
    private boolean pumping;
    private boolean closed;

    /**
     * @param onSent         told of each frame once it is sent (for metrics)
     * @param maxQueuedBytes the memory that frames waiting to be sent may hold, at two bytes a character
     */
    Outbox(Sink sink, Consumer<Frame> onSent, long maxQueuedBytes) {
        this.sink = sink;
        this.onSent = onSent;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Queues a frame; false when the socket is closed or was closed for falling behind. */
    synchronized boolean offer(Frame frame) {
        if (closed) {
            return false;
        }
        final long bytes = bytesOf(frame);
        if (queue.size() >= MAX_QUEUED_FRAMES || queuedBytes + bytes > maxQueuedBytes) {
            close(FELL_BEHIND, "the client fell too far behind; reconnect to resume from the cursor");
            return false;
        }
        queue.add(frame);
        queuedBytes += bytes;
        pump();
        return true;
    }

    /** Closes the socket and drops what was not sent. */
    synchronized void close(int status, String reason) {
        if (closed) {
            return;
        }
        discard();
        sink.close(status, reason);
    }

    /** Stops sending without closing the socket (it is closed already). */
    synchronized void discard() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
    }

    synchronized int queued() {
        return queue.size();
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }

    private static long bytesOf(Frame frame) {
        return 2L * frame.text().length();
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
                queuedBytes -= bytesOf(frame);
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

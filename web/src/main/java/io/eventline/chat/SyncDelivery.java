package io.eventline.chat;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/**
 * One socket's delivery of its user's sync queue: each entry goes out once, in seq order, whether it comes live
 * from the hub or from a read of the queue. A live entry at or below the last one sent is a duplicate and is
 * dropped; the next one is sent at once; one beyond a gap waits while the queue is read after the last one sent,
 * and is sent once the gap is filled. Until the first read is in, live entries wait.
 */
final class SyncDelivery {
    /** After this many reads in a row that did not fill a gap, its entries count as gone (expired). */
    static final int MAX_FRUITLESS_READS = 5;

    /** An entry of the queue, as the frame that carries it; {@code createdAt} is null for one read, not live. */
    record Entry(long seq, String frame, Instant createdAt) {
    }

    /** What the delivery asks of its socket; called while the delivery is locked, so neither may block. */
    interface Socket {
        /** Sends one entry; calls come in seq order. */
        void send(Entry entry);

        /** Reads the queue after {@code after}, then reports with {@link #read}; {@code fruitless} reads in a row
         * did not fill the gap so far, which a socket may use to wait a little. */
        void read(long after, int fruitless);
    }

    private final Socket socket;
    private final TreeMap<Long, Entry> waiting = new TreeMap<>();
    private long lastSent;
    private boolean reading = true;
    private int fruitless;
    private long duplicates;

    SyncDelivery(Socket socket) {
        this.socket = socket;
    }

    /** The first read's cursor: what the device holds already. */
    synchronized void start(long cursor) {
        lastSent = Math.max(lastSent, cursor);
    }

    /** A live entry. */
    synchronized void live(Entry entry) {
        if (entry.seq() <= lastSent || waiting.containsKey(entry.seq())) {
            duplicates++;
            return;
        }
        waiting.put(entry.seq(), entry);
        if (!reading) {
            flush();
        }
    }

    /**
     * The answer of a read: entries after the last one sent, in seq order; {@code more} when the page did not
     * hold all of them. A gap within a page is what expired, so a page is taken whole.
     */
    synchronized void read(List<Entry> entries, boolean more) {
        final long before = lastSent;
        for (Entry entry : entries) {
            if (entry.seq() > lastSent) {
                send(entry);
            }
        }
        if (more) {
            socket.read(lastSent, 0);
            return;
        }
        reading = false;
        fruitless = lastSent == before && !waiting.isEmpty() ? fruitless + 1 : 0;
        flush();
    }

    /** The last seq sent. */
    synchronized long lastSent() {
        return lastSent;
    }

    /** Live entries dropped as already sent. */
    synchronized long duplicates() {
        return duplicates;
    }

    private void flush() {
        while (true) {
            waiting.headMap(lastSent, true).clear();
            if (waiting.isEmpty()) {
                fruitless = 0;
                return;
            }
            if (waiting.firstKey() == lastSent + 1 || fruitless >= MAX_FRUITLESS_READS) {
                send(waiting.pollFirstEntry().getValue());
                fruitless = 0;
                continue;
            }
            reading = true;
            socket.read(lastSent, fruitless);
            return;
        }
    }

    private void send(Entry entry) {
        socket.send(entry);
        lastSent = entry.seq();
    }
}

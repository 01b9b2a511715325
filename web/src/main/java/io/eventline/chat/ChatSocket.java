package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.auth.InternalCalls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open socket of one device: its outbox, and the delivery of its user's sync queue. It starts by reading the
 * queue after the device's cursor (the socket is registered for live entries before, so nothing falls between
 * the two), answers {@code hello}, and from then on sends each entry once, in order.
 */
final class ChatSocket implements SyncDelivery.Socket {
    private static final Logger LOG = LoggerFactory.getLogger(ChatSocket.class);
    /** Entries per read of the queue. */
    static final int READ_PAGE = 200;
    /** A read that fails this often in a row closes the socket; the client reconnects later. */
    static final int MAX_READ_FAILURES = 8;
    /** Sends of one socket that may wait for their rate-limit decisions at once; more are refused. */
    static final int MAX_WAITING_SENDS = 256;

    private final InternalCalls.Caller caller;
    private final String userId;
    private final String device;
    private final Outbox outbox;
    private final SyncReader reader;
    private final ScheduledExecutorService scheduler;
    private final long heartbeatIntervalSeconds;
    private final SyncDelivery delivery = new SyncDelivery(this);
    private final Object helloLock = new Object();
    private final List<Outbox.Frame> beforeHello = new ArrayList<>();
    private boolean helloSent;
    private final Duration heartbeatForward;
    private final ChatFrames frames;
    private final AtomicInteger waitingSends = new AtomicInteger();
    private CompletableFuture<Void> lastSend = CompletableFuture.completedFuture(null);
    private Instant lastHeardOf;
    private Instant lastForwarded;
    private long heldAck = -1;
    private volatile boolean closed;

    ChatSocket(InternalCalls.Caller caller, String device, Outbox outbox, SyncReader reader, ScheduledExecutorService scheduler,
               long heartbeatIntervalSeconds, Duration heartbeatForward, ChatFrames frames) {
        this.frames = frames;
        this.caller = caller;
        this.userId = caller.principal().userId();
        this.device = device;
        this.outbox = outbox;
        this.reader = reader;
        this.scheduler = scheduler;
        this.heartbeatIntervalSeconds = heartbeatIntervalSeconds;
        this.heartbeatForward = heartbeatForward;
    }

    /** A queue entry as the hub and reads carry it. */
    static SyncDelivery.Entry entry(ChatFrames frames, SyncEntry entry) {
        return new SyncDelivery.Entry(entry.getSeq(), frames.message(ChatJson.entry(entry)),
                entry.getMessage().getCreatedAt());
    }

    String userId() {
        return userId;
    }

    String device() {
        return device;
    }

    /**
     * Runs {@code send} once the sends this socket received before it have gone ahead, so that messages keep
     * the order the client sent them in while each waits for its rate-limit decision; at once when none waits.
     * False, and nothing runs, when {@value #MAX_WAITING_SENDS} already wait.
     */
    synchronized boolean afterEarlierSends(Supplier<CompletableFuture<Void>> send) {
        if (waitingSends.incrementAndGet() > MAX_WAITING_SENDS) {
            waitingSends.decrementAndGet();
            return false;
        }
        lastSend = lastSend.thenCompose(done -> send.get()).handle((done, error) -> {
            waitingSends.decrementAndGet();
            return null;
        });
        return true;
    }

    /** Starts the first read of the queue; call once the socket is registered for live entries. */
    void open() {
        scheduleRead(null, 0, 0);
    }

    void live(SyncDelivery.Entry entry) {
        delivery.live(entry);
    }

    /** Any frame but a queue entry; those before {@code hello} wait for it. */
    void push(String type, String text) {
        final Outbox.Frame frame = new Outbox.Frame(type, text, null);
        synchronized (helloLock) {
            if (!helloSent) {
                beforeHello.add(frame);
                return;
            }
        }
        outbox.offer(frame);
    }

    /**
     * Notes a sign of life from the client (its connect or a heartbeat) at {@code at}; true when it should reach
     * the presence stream, at most once per forward interval. Most heartbeats stay here: presence needs only
     * enough of them to keep the user online, and the close tells when the last one came.
     */
    synchronized boolean heard(Instant at) {
        lastHeardOf = at;
        if (lastForwarded != null && at.isBefore(lastForwarded.plus(heartbeatForward))) {
            return false;
        }
        lastForwarded = at;
        return true;
    }

    /** When the client was last heard of; null before its connect was noted. */
    synchronized Instant lastHeardOf() {
        return lastHeardOf;
    }

    /**
     * Holds the device's acknowledgement of {@code seq}; true when none was held, so the caller schedules
     * {@link #takeAck()}. Cursors only move forward, so of the acknowledgements in between only the highest counts.
     */
    synchronized boolean holdAck(long seq) {
        final boolean first = heldAck < 0;
        heldAck = Math.max(heldAck, seq);
        return first;
    }

    /** The acknowledgement held since the last call; -1 when there is none. */
    synchronized long takeAck() {
        final long seq = heldAck;
        heldAck = -1;
        return seq;
    }

    /** The socket closed: nothing more is sent or read. */
    void closed() {
        closed = true;
        outbox.discard();
    }

    /** Closes the socket from this side. */
    void close(int status, String reason) {
        closed = true;
        outbox.close(status, reason);
    }

    @Override
    public void send(SyncDelivery.Entry entry) {
        outbox.offer(new Outbox.Frame("message", entry.frame(), entry.createdAt()));
    }

    @Override
    public void read(long after, int fruitless) {
        // a gap that a read did not fill may be an entry still on its way to the store: wait a little longer each time
        scheduleRead(after, fruitless == 0 ? 0 : 50L << Math.min(fruitless - 1, 5), 0);
    }

    private void scheduleRead(Long after, long delayMillis, int failures) {
        if (closed) {
            return;
        }
        scheduler.schedule(() -> reader.read(caller, device, after, READ_PAGE).whenComplete((page, error) -> {
            if (closed) {
                return;
            }
            if (error != null) {
                readFailed(after, failures + 1, error);
                return;
            }
            try {
                readDone(after == null, page);
            } catch (RuntimeException e) {
                LOG.warn("Closing a socket of {}: its sync page could not be used", userId, e);
                close(1011, "the sync queue could not be read");
            }
        }), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void readFailed(Long after, int failures, Throwable error) {
        if (failures >= MAX_READ_FAILURES) {
            LOG.warn("Closing a socket of {} after {} failed reads of its sync queue: {}", userId, failures,
                    error.toString());
            close(Outbox.TRY_AGAIN_LATER, "the sync queue cannot be read now; reconnect shortly");
            return;
        }
        scheduleRead(after, Math.min(2_000L, 100L << failures), failures);
    }

    private void readDone(boolean first, JsonNode page) {
        final List<SyncDelivery.Entry> entries = new ArrayList<>();
        for (JsonNode entry : page.path("entries")) {
            // no creation time: entries caught up on would count their whole absence as delivery time
            entries.add(new SyncDelivery.Entry(entry.get("seq").asLong(), frames.message(entry), null));
        }
        final boolean more = page.path("hasMore").asBoolean(false);
        if (first) {
            final long cursor = page.path("cursor").asLong(0);
            sayHello(cursor);
            delivery.start(cursor);
        }
        delivery.read(entries, more);
    }

    private void sayHello(long cursor) {
        synchronized (helloLock) {
            outbox.offer(new Outbox.Frame("hello", frames.hello(device, cursor, heartbeatIntervalSeconds), null));
            beforeHello.forEach(outbox::offer);
            beforeHello.clear();
            helloSent = true;
        }
    }
}

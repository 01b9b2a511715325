package io.eventline.producers.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The sockets of one run, one per user: opened at a steady pace with a bounded number of handshakes in flight,
 * and kept alive from the moment each one is open with a heartbeat every interval (spread evenly, so the server
 * sees a steady trickle rather than a burst; a server closes a silent socket, and opening thousands can take longer
 * than it waits); when acknowledgements are batched, the highest seq of each socket is acknowledged every ack
 * interval.
 */
final class ChatSockets implements AutoCloseable {
    /** How often the ticker runs: the resolution of heartbeat spreading and batched acknowledgements. */
    static final Duration TICK = Duration.ofMillis(100);

    private final AtomicReferenceArray<ChatSocket> sockets;
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LongAdder heartbeats = new LongAdder();
    private final LongAdder batchedAcks = new LongAdder();
    private volatile long heartbeatSlots;
    private volatile double connectSeconds;
    private ScheduledExecutorService ticker;

    /** Room for {@code size} sockets, none open yet. */
    ChatSockets(int size) {
        this.sockets = new AtomicReferenceArray<>(size);
    }

    /**
     * Connects a socket per user, socket {@code i} for {@code users.get(i)}, starting connect {@code i} at
     * {@code i / perSecond} s with at most {@code pending} handshakes in flight; returns when every connect has
     * ended. A failed connect leaves its slot empty and is counted by cause.
     */
    void open(HttpClient client, URI base, JwtTokens tokens, List<String> users, String device, double perSecond,
              int pending, Duration timeout, ChatSocket.Frames frames) throws InterruptedException {
        final Semaphore inFlight = new Semaphore(pending);
        final long start = System.nanoTime();
        final AtomicLong lastEnd = new AtomicLong(start);
        for (int i = 0; i < users.size(); i++) {
            parkUntil(start + (long) (i * 1e9 / perSecond));
            inFlight.acquire();
            final int index = i;
            final String user = users.get(i);
            ChatSocket.connect(client, base, tokens.issue(user), device, index, user, frames, timeout)
                    .whenComplete((socket, error) -> {
                        if (error != null) {
                            failures.computeIfAbsent(ChatSocket.connectFailure(error), k -> new LongAdder())
                                    .increment();
                        } else {
                            sockets.set(index, socket);
                        }
                        lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                        inFlight.release();
                    });
        }
        inFlight.acquire(pending);
        inFlight.release(pending);
        connectSeconds = (lastEnd.get() - start) / 1e9;
    }

    int size() {
        return sockets.length();
    }

    /** Socket {@code i}, or null if it never connected. */
    ChatSocket get(int i) {
        return sockets.get(i);
    }

    int connected() {
        int n = 0;
        for (int i = 0; i < sockets.length(); i++) {
            if (sockets.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    int open() {
        int n = 0;
        for (int i = 0; i < sockets.length(); i++) {
            final ChatSocket socket = sockets.get(i);
            if (socket != null && socket.isOpen()) {
                n++;
            }
        }
        return n;
    }

    SortedMap<String, Long> failures() {
        final SortedMap<String, Long> counts = new TreeMap<>();
        failures.forEach((name, count) -> counts.put(name, count.sum()));
        return counts;
    }

    double connectSeconds() {
        return connectSeconds;
    }

    long heartbeatsSent() {
        return heartbeats.sum();
    }

    long batchedAcksSent() {
        return batchedAcks.sum();
    }

    /**
     * Starts sending heartbeats every {@code heartbeat} from every open socket, those still to be opened included,
     * and, if {@code ackInterval} is positive, the highest unacknowledged seq of each socket every
     * {@code ackInterval}.
     */
    void startTicker(Duration heartbeat, Duration ackInterval) {
        heartbeatEvery(heartbeat);
        final long ackEvery = ackInterval.isZero() ? 0 : Math.max(1, ackInterval.toMillis() / TICK.toMillis());
        final AtomicLong ticks = new AtomicLong();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "chat-ticker");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(() -> {
            final long tick = ticks.getAndIncrement();
            final long slots = heartbeatSlots;
            final long slot = tick % slots;
            final boolean acks = ackEvery > 0 && tick % ackEvery == 0;
            for (int i = 0; i < sockets.length(); i++) {
                final ChatSocket socket = sockets.get(i);
                if (socket == null || !socket.isOpen()) {
                    continue;
                }
                if (i % slots == slot) {
                    socket.send(ChatFrames.HEARTBEAT);
                    heartbeats.increment();
                }
                if (acks) {
                    final long seq = socket.takeSeqToAck();
                    if (seq > 0) {
                        socket.send(ChatFrames.ack(seq));
                        batchedAcks.increment();
                    }
                }
            }
        }, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From now on a heartbeat every {@code heartbeat} from each socket. */
    void heartbeatEvery(Duration heartbeat) {
        heartbeatSlots = Math.max(1, heartbeat.toMillis() / TICK.toMillis());
    }

    /** The slot a socket's heartbeat falls in: which {@link #TICK} of each heartbeat interval it is sent on. */
    static long heartbeatSlot(int socket, Duration heartbeat) {
        return socket % Math.max(1, heartbeat.toMillis() / TICK.toMillis());
    }

    /** Stops the ticker and closes every socket, waiting a few seconds for the closes to be sent. */
    @Override
    public void close() throws InterruptedException {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        }
        final CompletableFuture<?>[] closing = new CompletableFuture<?>[sockets.length()];
        for (int i = 0; i < sockets.length(); i++) {
            final ChatSocket socket = sockets.get(i);
            closing[i] = socket == null ? CompletableFuture.completedFuture(null) : socket.close();
        }
        try {
            CompletableFuture.allOf(closing).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // whatever did not close in time is aborted
        }
        for (int i = 0; i < sockets.length(); i++) {
            final ChatSocket socket = sockets.get(i);
            if (socket != null) {
                socket.abort();
            }
        }
    }

    static void parkUntil(long deadlineNanos) {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }
}

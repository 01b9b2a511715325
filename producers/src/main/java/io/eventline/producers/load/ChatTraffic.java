package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.BitSet;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Messages through chat channels, and where each one arrives. There are {@code channels} channels of
 * {@code members} members each; socket {@code c * members + m} is member {@code m} of channel {@code c}, and
 * every user is in exactly one channel. Message {@code i} goes to channel {@code i mod channels}, sent by its
 * member {@code (i / channels) mod members}, so consecutive messages spread over all channels and every member
 * sends in turn. A message is delivered once every other member's socket has had its {@code message} frame;
 * its latency runs from its intended send time (open loop) or actual send (closed loop) to that last frame, all on
 * this JVM's clock. The server's {@code ack} to the sender is timed apart, as acceptance.
 */
final class ChatTraffic implements ChatSocket.Frames {
    private final String run;
    private final int channels;
    private final int members;
    private final int textLength;
    private final boolean ackEachMessage;
    private final long timeoutNanos;
    private final Map<Long, Message> messages = new ConcurrentHashMap<>();
    private final ConcurrentHistogram perDeliveryMicros = new ConcurrentHistogram(LatencyRecorder.HIGHEST_MICROS, 3);
    private final Map<String, LongAdder> frameTypes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> problems = new ConcurrentHashMap<>();
    private final LongAdder measuredDeliveries = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder duplicateAcks = new LongAdder();
    private final LongAdder echoes = new LongAdder();
    private final LongAdder strangers = new LongAdder();
    private final LongAdder closedDuringRun = new LongAdder();
    private final LongAdder seqAcks = new LongAdder();
    private final AtomicLong pending = new AtomicLong();
    /** Messages sent that their sender has heard nothing about yet (no ack, no error, no failure). */
    private final AtomicLong unanswered = new AtomicLong();
    private String[] channelIds;
    private ChatSockets sockets;
    private volatile boolean running;
    private volatile LatencyRecorder delivered = new LatencyRecorder(System.nanoTime());
    private volatile LatencyRecorder accepted = new LatencyRecorder(System.nanoTime());

    /**
     * @param run            tells this run's client message IDs from any others
     * @param ackEachMessage acknowledge each {@code message} frame's seq at once (else the ticker batches them)
     * @param timeoutNanos   in closed loop, how long a lane waits for a message before it moves on; in both, how
     *                       long after the last send the run waits for deliveries
     */
    ChatTraffic(String run, int channels, int members, int textLength, boolean ackEachMessage, long timeoutNanos) {
        this.run = run;
        this.channels = channels;
        this.members = members;
        this.textLength = textLength;
        this.ackEachMessage = ackEachMessage;
        this.timeoutNanos = timeoutNanos;
    }

    /** The socket that sends message {@code index}. */
    static int senderOf(long index, int channels, int members) {
        final long channel = index % channels;
        final long member = (index / channels) % members;
        return (int) (channel * members + member);
    }

    /** The channel socket {@code socket} is a member of. */
    static int channelOf(int socket, int members) {
        return socket / members;
    }

    /** The channel IDs, channel {@code c} at {@code c}, and the sockets, before any message is sent. */
    void attach(String[] ids, ChatSockets connected) {
        this.channelIds = ids;
        this.sockets = connected;
    }

    /** Sends every message of {@code schedule} at its time; returns when all are delivered or the timeout passed. */
    ChatTrafficResult openLoop(FixedRateSchedule schedule, Consumer<LatencyRecorder> started)
            throws InterruptedException {
        final long start = System.nanoTime();
        begin(start + schedule.warmupNanos(), started);
        for (long i = 0; i < schedule.total(); i++) {
            final long intended = start + schedule.offsetNanos(i);
            ChatSockets.parkUntil(intended);
            send(i, intended, schedule.isMeasured(i));
        }
        drain(System.nanoTime() + timeoutNanos);
        return finish();
    }

    /**
     * Keeps {@code concurrency} messages on their way: each lane sends its next message once the previous one
     * reached every recipient (or was refused, failed, or waited past the timeout), until the time is up.
     */
    ChatTrafficResult closedLoop(int concurrency, long warmupNanos, long durationNanos,
                                 Consumer<LatencyRecorder> started) throws InterruptedException {
        final long start = System.nanoTime();
        final long measureStart = start + warmupNanos;
        final long end = measureStart + durationNanos;
        begin(measureStart, started);
        // lanes move on here, never on the thread that ended their message: a send that fails at once would
        // otherwise start the next one inside it, and so on down the stack
        final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "chat-lanes");
            thread.setDaemon(true);
            return thread;
        });
        final Lanes lanes = new Lanes(concurrency, measureStart, end, watchdog);
        try {
            watchdog.scheduleAtFixedRate(lanes::expire, 100, 100, TimeUnit.MILLISECONDS);
            for (int lane = 0; lane < concurrency; lane++) {
                final int first = lane;
                watchdog.execute(() -> lanes.next(first));
            }
            lanes.done.await(end - start + 2 * timeoutNanos, TimeUnit.NANOSECONDS);
        } finally {
            watchdog.shutdownNow();
        }
        drain(System.nanoTime() + timeoutNanos);
        return finish();
    }

    private void begin(long measureStart, Consumer<LatencyRecorder> started) {
        delivered = new LatencyRecorder(measureStart);
        accepted = new LatencyRecorder(measureStart);
        running = true;
        started.accept(delivered);
    }

    private void drain(long deadline) throws InterruptedException {
        // a message may reach its recipients before its sender hears the ack: wait for both
        while ((pending.get() > 0 || unanswered.get() > 0) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
    }

    private ChatTrafficResult finish() {
        running = false;
        long measured = 0;
        long lost = 0;
        long missing = 0;
        long refused = 0;
        long refusedDelivered = 0;
        for (Message message : messages.values()) {
            if (!message.measured) {
                continue;
            }
            measured++;
            synchronized (message) {
                if (message.remaining > 0) {
                    lost++;
                    missing += message.remaining;
                }
                if (message.refused) {
                    refused++;
                    if (message.remaining == 0) {
                        refusedDelivered++;
                    }
                }
            }
        }
        final SortedMap<String, Long> types = new TreeMap<>();
        frameTypes.forEach((name, count) -> types.put(name, count.sum()));
        final SortedMap<String, Long> problemCounts = new TreeMap<>();
        problems.forEach((name, count) -> problemCounts.put(name, count.sum()));
        return new ChatTrafficResult(delivered.result(), accepted.result(), perDeliveryMicros.copy(), members - 1,
                measured, lost, missing, refused, refusedDelivered, measuredDeliveries.sum(), duplicates.sum(),
                duplicateAcks.sum(), echoes.sum(), strangers.sum(), closedDuringRun.sum(), seqAcks.sum(), types,
                problemCounts);
    }

    private void send(long index, long intended, boolean measured) {
        dispatch(new Message(index, intended, measured, senderOf(index, channels, members), members - 1, null),
                System.nanoTime() - intended);
    }

    /** Sends {@code message} from its sender's socket; {@code lagNanos} is how late that is against schedule. */
    private void dispatch(Message message, long lagNanos) {
        messages.put(message.index, message);
        pending.incrementAndGet();
        unanswered.incrementAndGet();
        delivered.sent(lagNanos);
        accepted.sent(lagNanos);
        final ChatSocket socket = sockets.get(message.sender);
        if (socket == null) {
            fail(message, new IOException("not connected"), System.nanoTime());
            return;
        }
        final String clientMessageId = ChatFrames.clientMessageId(run, message.index);
        socket.send(ChatFrames.send(channelIds[channelOf(message.sender, members)],
                ChatFrames.text(clientMessageId, textLength), clientMessageId)).whenComplete((v, error) -> {
                    if (error != null) {
                        fail(message, error, System.nanoTime());
                    }
                });
    }

    @Override
    public void received(ChatSocket socket, JsonNode frame, long now) {
        final String type = frame.path("type").asText("none");
        frameTypes.computeIfAbsent(type, k -> new LongAdder()).increment();
        switch (type) {
            case "message" -> message(socket, frame, now);
            case "ack" -> ack(frame, now);
            case "error" -> error(frame, now);
            default -> {
                // hello, presence, channel: counted only
            }
        }
    }

    @Override
    public void closed(ChatSocket socket) {
        if (running) {
            closedDuringRun.increment();
        }
    }

    private void message(ChatSocket socket, JsonNode frame, long now) {
        final long seq = frame.path("seq").asLong(0);
        if (seq > 0) {
            socket.noteSeq(seq);
            if (ackEachMessage) {
                final long toAck = socket.takeSeqToAck();
                if (toAck > 0) {
                    socket.send(ChatFrames.ack(toAck));
                    seqAcks.increment();
                }
            }
        }
        final Message message = messageOf(frame.path("clientMessageId").asText(null));
        if (message == null) {
            strangers.increment();
            return;
        }
        if (socket.index() == message.sender) {
            echoes.increment();
            return;
        }
        if (channelOf(socket.index(), members) != channelOf(message.sender, members)) {
            strangers.increment();
            return;
        }
        final boolean last;
        synchronized (message) {
            final int member = socket.index() % members;
            if (message.seenBy.get(member)) {
                duplicates.increment();
                return;
            }
            message.seenBy.set(member);
            message.remaining--;
            last = message.remaining == 0 && !message.ended;
            if (last) {
                message.ended = true;
            }
        }
        final long latency = now - message.intended;
        if (message.measured) {
            measuredDeliveries.increment();
            perDeliveryMicros.recordValue(Math.min(LatencyRecorder.HIGHEST_MICROS, Math.max(0, latency / 1_000)));
        }
        if (last) {
            delivered.completed(message.measured, message.refused ? "delivered-after-error" : "delivered", latency,
                    now);
            ended(message);
        }
    }

    private void ack(JsonNode frame, long now) {
        final Message message = messageOf(frame.path("clientMessageId").asText(null));
        if (message == null) {
            strangers.increment();
            return;
        }
        synchronized (message) {
            if (message.acked) {
                duplicateAcks.increment();
                return;
            }
            message.acked = true;
            answered(message);
        }
        accepted.completed(message.measured, "acked", now - message.intended, now);
    }

    /**
     * An error frame. One that names a message of this run marks it refused, but does not end it: a 503 "not
     * confirmed in time" means the server stopped waiting, not that the message is gone, and when it reaches its
     * recipients after all, that time is what they saw. Only the ack side counts it as failed.
     */
    private void error(JsonNode frame, long now) {
        final String problem = ChatFrames.problemName(frame);
        problems.computeIfAbsent(problem, k -> new LongAdder()).increment();
        final Message message = messageOf(ChatFrames.problemClientMessageId(frame));
        if (message == null) {
            return;
        }
        synchronized (message) {
            if (message.refused || message.acked) {
                return;
            }
            message.refused = true;
            answered(message);
        }
        accepted.failed(message.measured, new RefusedMessage(problem), now);
    }

    private void fail(Message message, Throwable error, long now) {
        synchronized (message) {
            if (message.ended) {
                return;
            }
            message.ended = true;
            answered(message);
        }
        delivered.failed(message.measured, error, now);
        accepted.failed(message.measured, error, now);
        ended(message);
    }

    /** Called with {@code message} locked; counts its sender's first answer once. */
    private void answered(Message message) {
        if (!message.answered) {
            message.answered = true;
            unanswered.decrementAndGet();
        }
    }

    private void ended(Message message) {
        pending.decrementAndGet();
        if (message.lanes != null) {
            message.lanes.next(message);
        }
    }

    private Message messageOf(String clientMessageId) {
        final long index = ChatFrames.messageIndex(run, clientMessageId);
        return index < 0 ? null : messages.get(index);
    }

    /** A message the server answered with an {@code error} frame instead of an {@code ack}. */
    static final class RefusedMessage extends Exception {
        RefusedMessage(String problem) {
            super(problem, null, false, false);
        }
    }

    private static final class Message {
        final long index;
        final long intended;
        final boolean measured;
        final int sender;
        final Lanes lanes;
        final BitSet seenBy = new BitSet();
        int lane = -1;
        int remaining;
        boolean acked;
        boolean ended;
        boolean refused;
        boolean answered;

        Message(long index, long intended, boolean measured, int sender, int recipients, Lanes lanes) {
            this.index = index;
            this.intended = intended;
            this.measured = measured;
            this.sender = sender;
            this.remaining = recipients;
            this.lanes = lanes;
        }
    }

    /** Closed loop: each lane has one message on its way at a time. */
    private final class Lanes {
        final AtomicReferenceArray<Message> current;
        final AtomicLong nextIndex = new AtomicLong();
        final CountDownLatch done;
        final long measureStart;
        final long end;
        final ScheduledExecutorService executor;

        Lanes(int concurrency, long measureStart, long end, ScheduledExecutorService executor) {
            this.current = new AtomicReferenceArray<>(concurrency);
            this.done = new CountDownLatch(concurrency);
            this.measureStart = measureStart;
            this.end = end;
            this.executor = executor;
        }

        /** Lane {@code lane} sends its next message, or ends if the time is up. */
        void next(int lane) {
            final long now = System.nanoTime();
            if (now - end >= 0) {
                current.set(lane, null);
                done.countDown();
                return;
            }
            final long index = nextIndex.getAndIncrement();
            final Message message = new Message(index, now, now - measureStart >= 0,
                    senderOf(index, channels, members), members - 1, this);
            message.lane = lane;
            current.set(lane, message);
            dispatch(message, 0);
        }

        /** The message ended; its lane moves on, unless the watchdog already moved it on. */
        void next(Message message) {
            if (message.lane >= 0 && current.compareAndSet(message.lane, message, null)) {
                try {
                    executor.execute(() -> next(message.lane));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the run is over
                }
            }
        }

        /** Lanes whose message has waited past the timeout move on; the message counts as failed. */
        void expire() {
            final long now = System.nanoTime();
            for (int lane = 0; lane < current.length(); lane++) {
                final Message message = current.get(lane);
                if (message != null && now - message.intended > timeoutNanos) {
                    fail(message, new TimeoutException("not delivered within the timeout"), now);
                }
            }
        }
    }

}

package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Chat sockets in direct pairs that reconnect when they close or fail, as a client should: after a backoff
 * (100 ms, doubling up to a cap, with jitter), asking {@code GET /api/v1/chat/endpoint} where to connect, or
 * straight to the given URL. Each socket resumes its device's cursor, so every message the server acknowledged to
 * its sender must reach its recipient, on one connection or the next. Counts messages acknowledged against
 * messages received, each reconnect's time from the close to the new socket's {@code hello}, and a per-second
 * timeline of sockets down, closes, reconnects, acknowledgements and deliveries.
 */
final class ReconnectingChat implements ChatSocket.Frames {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    static final String TIMELINE_HEADER = String.format(Locale.ROOT, "%-8s %-9s %6s %7s %10s %7s %10s", "second",
            "utc", "down", "closes", "reconnects", "acked", "delivered");
    private static final int CLOSES = 0;
    private static final int RECONNECTS = 1;
    private static final int ACKED = 2;
    private static final int DELIVERED = 3;
    private static final int DOWN = 4;

    /** How a socket finds where to reconnect. */
    enum Via { endpoint, url }

    private final String run;
    private final HttpClient client;
    private final URI base;
    private final JwtTokens tokens;
    private final List<String> users;
    private final String device;
    private final Via via;
    private final Duration timeout;
    private final Duration maxBackoff;
    private final ScheduledExecutorService scheduler;
    private final AtomicReferenceArray<ChatSocket> sockets;
    /** When each socket went down ({@link System#nanoTime()}), 0 while it is up. */
    private final AtomicLongArray downSince;
    private final Set<Long> acked = ConcurrentHashMap.newKeySet();
    private final Set<Long> delivered = ConcurrentHashMap.newKeySet();
    private final LongAdder sent = new LongAdder();
    private final LongAdder notSent = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder closes = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final ConcurrentHistogram reconnectMillis = new ConcurrentHistogram(TimeUnit.HOURS.toMillis(2), 3);
    private final ConcurrentSkipListMap<Long, LongAdder[]> seconds = new ConcurrentSkipListMap<>();
    private final long startNanos = System.nanoTime();
    private final long startEpochMillis = System.currentTimeMillis();
    private volatile long firstDownNanos;
    private volatile long lastBackNanos;
    private volatile boolean running = true;
    private String[] channelIds;

    ReconnectingChat(String run, HttpClient client, URI base, JwtTokens tokens, List<String> users, String device,
                     Via via, Duration timeout, Duration maxBackoff, ScheduledExecutorService scheduler) {
        this.run = run;
        this.client = client;
        this.base = base;
        this.tokens = tokens;
        this.users = List.copyOf(users);
        this.device = device;
        this.via = via;
        this.timeout = timeout;
        this.maxBackoff = maxBackoff;
        this.scheduler = scheduler;
        this.sockets = new AtomicReferenceArray<>(users.size());
        this.downSince = new AtomicLongArray(users.size());
    }

    int pairs() {
        return users.size() / 2;
    }

    /** The socket that sends message {@code index}: the pairs in turn, the two members of a pair alternately. */
    static int senderOf(long index, int pairs) {
        final int pair = (int) (index % pairs);
        return 2 * pair + (int) ((index / pairs) % 2);
    }

    /** The socket that must receive message {@code index}: the other member of its pair. */
    static int recipientOf(long index, int pairs) {
        return senderOf(index, pairs) ^ 1;
    }

    /** The backoff before reconnect attempt {@code attempt} (1-based), before jitter. */
    static Duration backoff(int attempt, Duration max) {
        final long millis = FIRST_BACKOFF.toMillis() << Math.min(20, attempt - 1);
        return Duration.ofMillis(Math.min(max.toMillis(), millis));
    }

    /** Opens every socket, {@code perSecond} a second; the sockets that failed, each already retrying. */
    int open(String[] channelIds, double perSecond) throws InterruptedException {
        this.channelIds = channelIds.clone();
        final List<CompletableFuture<Boolean>> connects = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            ChatSockets.parkUntil(startNanos + (long) (i * 1e9 / perSecond));
            final int index = i;
            connects.add(connect(index).handle((socket, error) -> {
                if (error != null) {
                    count(failures, ChatSocket.connectFailure(error));
                    wentDown(index, System.nanoTime());
                    return false;
                }
                up(index, socket);
                return true;
            }));
        }
        int failed = 0;
        for (CompletableFuture<Boolean> connect : connects) {
            if (!connect.join()) {
                failed++;
            }
        }
        return failed;
    }

    /** Sends message {@code index} from its sender, if that socket is up. */
    void send(long index) {
        final int pairs = pairs();
        final int sender = senderOf(index, pairs);
        final ChatSocket socket = sockets.get(sender);
        if (socket == null || !socket.isOpen()) {
            notSent.increment();
            return;
        }
        sent.increment();
        socket.send(ChatFrames.send(channelIds[sender / 2], ChatFrames.text("drill " + index, 48),
                ChatFrames.clientMessageId(run, index)));
    }

    /** Heartbeats from the sockets whose turn it is ({@code tick} of {@code every}), and the sockets down now. */
    void tick(long tick, int every) {
        int down = 0;
        for (int i = 0; i < sockets.length(); i++) {
            final ChatSocket socket = sockets.get(i);
            if (socket == null || !socket.isOpen()) {
                down++;
            } else if (i % every == tick % every) {
                socket.send(ChatFrames.HEARTBEAT);
            }
        }
        final LongAdder downNow = second(System.nanoTime())[DOWN];
        downNow.reset();
        downNow.add(down);
    }

    /** Every acknowledged message delivered and every socket up. */
    boolean settled() {
        return delivered.containsAll(acked) && socketsDown() == 0;
    }

    int socketsDown() {
        int down = 0;
        for (int i = 0; i < sockets.length(); i++) {
            final ChatSocket socket = sockets.get(i);
            if (socket == null || !socket.isOpen()) {
                down++;
            }
        }
        return down;
    }

    /** Stops reconnecting and closes every socket. */
    void close() {
        running = false;
        for (int i = 0; i < sockets.length(); i++) {
            final ChatSocket socket = sockets.get(i);
            if (socket != null) {
                socket.close();
            }
        }
    }

    private CompletableFuture<ChatSocket> connect(int index) {
        final String user = users.get(index);
        final String token = tokens.issue(user);
        if (via == Via.url) {
            return ChatSocket.connect(client, base, token, device, index, user, this, timeout);
        }
        final HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/chat/endpoint"))
                .timeout(timeout).header("User-Agent", "eventline-load").header("Authorization", "Bearer " + token)
                .GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            if (response.statusCode() != 200) {
                return CompletableFuture.failedFuture(new IOException("endpoint " + response.statusCode()));
            }
            final URI endpoint;
            try {
                endpoint = URI.create(ChatSocket.JSON.readTree(response.body()).path("url").asText(""));
                LoopbackTargets.requireLoopback(endpoint.getHost() == null ? "" : endpoint.getHost());
            } catch (IOException | IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new IOException("endpoint unusable: " + e.getMessage()));
            }
            return ChatSocket.connectTo(client, endpoint, token, device, index, user, this, timeout);
        });
    }

    private void up(int index, ChatSocket socket) {
        if (!running) {
            socket.abort();
            return;
        }
        sockets.set(index, socket);
        final long now = System.nanoTime();
        final long since = downSince.getAndSet(index, 0);
        if (since != 0) {
            reconnects.increment();
            second(now)[RECONNECTS].increment();
            reconnectMillis.recordValue(Math.max(0, (now - since) / 1_000_000));
            lastBackNanos = now;
        }
        if (!socket.isOpen()) {
            // closed between its hello and now: the close was not counted against this slot yet
            closed(socket);
        }
    }

    private void wentDown(int index, long now) {
        if (downSince.compareAndSet(index, 0, now) && firstDownNanos == 0) {
            firstDownNanos = now;
        }
        retry(index, 1);
    }

    private void retry(int index, int attempt) {
        if (!running) {
            return;
        }
        final long millis = backoff(attempt, maxBackoff).toMillis();
        final long jittered = Math.max(1, (long) (millis * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
        scheduler.schedule(() -> connect(index).whenComplete((socket, error) -> {
            if (error != null) {
                count(failures, ChatSocket.connectFailure(error));
                retry(index, attempt + 1);
            } else {
                up(index, socket);
            }
        }), jittered, TimeUnit.MILLISECONDS);
    }

    @Override
    public void received(ChatSocket socket, JsonNode frame, long nowNanos) {
        switch (frame.path("type").asText("")) {
            case "message" -> {
                final long seq = frame.path("seq").asLong(0);
                final long index = ChatFrames.messageIndex(run, frame.path("clientMessageId").asText(null));
                if (index >= 0 && socket.index() == recipientOf(index, pairs())) {
                    if (delivered.add(index)) {
                        second(nowNanos)[DELIVERED].increment();
                    } else {
                        duplicates.increment();
                    }
                }
                if (seq > 0 && socket.noteSeq(seq)) {
                    socket.send(ChatFrames.ack(seq));
                }
            }
            case "ack" -> {
                final long index = ChatFrames.messageIndex(run, frame.path("clientMessageId").asText(null));
                if (index >= 0 && acked.add(index)) {
                    second(nowNanos)[ACKED].increment();
                }
            }
            case "error" -> count(errors, ChatFrames.problemName(frame));
            default -> {
            }
        }
    }

    @Override
    public void closed(ChatSocket socket) {
        final int index = socket.index();
        if (!running || sockets.get(index) != socket) {
            return;
        }
        final long now = System.nanoTime();
        if (downSince.get(index) != 0) {
            return;
        }
        closes.increment();
        second(now)[CLOSES].increment();
        wentDown(index, now);
    }

    private LongAdder[] second(long nowNanos) {
        return seconds.computeIfAbsent(Math.max(0, (nowNanos - startNanos) / 1_000_000_000L), s -> {
            final LongAdder[] counts = new LongAdder[DOWN + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
            return counts;
        });
    }

    private static void count(Map<String, LongAdder> counts, String name) {
        counts.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    private static SortedMap<String, Long> sorted(Map<String, LongAdder> counts) {
        final SortedMap<String, Long> sorted = new TreeMap<>();
        counts.forEach((name, n) -> sorted.put(name, n.sum()));
        return sorted;
    }

    /** Acknowledged messages that never reached their recipient, in order. */
    List<Long> lost() {
        final List<Long> lost = new ArrayList<>();
        for (Long index : acked) {
            if (!delivered.contains(index)) {
                lost.add(index);
            }
        }
        lost.sort(Long::compare);
        return lost;
    }

    long closes() {
        return closes.sum();
    }

    /** The report's lines. */
    String report() {
        final StringBuilder out = new StringBuilder();
        final List<Long> lost = lost();
        long deliveredAcked = 0;
        for (Long index : acked) {
            if (delivered.contains(index)) {
                deliveredAcked++;
            }
        }
        LoadReport.line(out, "sockets", String.format(Locale.ROOT,
                "%d; %d closes, %d reconnected (via %s), %d down at the end", sockets.length(), closes.sum(),
                reconnects.sum(), via == Via.endpoint ? "GET /api/v1/chat/endpoint" : base + "/ws", socketsDown()));
        if (reconnectMillis.getTotalCount() > 0) {
            LoadReport.line(out, "reconnect ms", String.format(Locale.ROOT,
                    "p50=%d  p90=%d  p99=%d  max=%d  (from the close to the new socket's hello)",
                    reconnectMillis.getValueAtPercentile(50), reconnectMillis.getValueAtPercentile(90),
                    reconnectMillis.getValueAtPercentile(99), reconnectMillis.getMaxValue()));
        }
        if (firstDownNanos != 0) {
            LoadReport.line(out, "down", "first close at " + utc(firstDownNanos) + ", last reconnect at "
                    + (lastBackNanos == 0 ? "none" : utc(lastBackNanos) + String.format(Locale.ROOT, " (%.1f s later)",
                    (lastBackNanos - firstDownNanos) / 1e9)));
        }
        LoadReport.line(out, "messages", String.format(Locale.ROOT,
                "sent %s, acknowledged %s, delivered %s (of them acknowledged %s), not sent while the sender was down %s",
                ChatFrames.count(sent.sum()), ChatFrames.count(acked.size()), ChatFrames.count(delivered.size()),
                ChatFrames.count(deliveredAcked), ChatFrames.count(notSent.sum())));
        LoadReport.line(out, "lost", ChatFrames.count(lost.size()) + " acknowledged and never delivered"
                + (lost.isEmpty() ? "" : ": " + lost.subList(0, Math.min(20, lost.size()))
                + (lost.size() > 20 ? " ..." : "")) + "; " + ChatFrames.count(duplicates.sum())
                + " delivered again");
        LoadReport.line(out, "failures", LoadReport.counts(sorted(failures)) + " (connect attempts)");
        LoadReport.line(out, "errors", LoadReport.counts(sorted(errors)) + " (error frames)");
        return out.toString();
    }

    /** One line per second from the start: sockets down, closes, reconnects, acknowledgements, deliveries. */
    List<String> timeline() {
        final List<String> lines = new ArrayList<>();
        if (seconds.isEmpty()) {
            return lines;
        }
        for (long s = 0; s <= seconds.lastKey(); s++) {
            final LongAdder[] counts = seconds.get(s);
            final long[] n = new long[DOWN + 1];
            if (counts != null) {
                for (int i = 0; i < n.length; i++) {
                    n[i] = counts[i].sum();
                }
            }
            lines.add(String.format(Locale.ROOT, "%-8s %-9s %6d %7d %10d %7d %10d", "+" + s + "s",
                    DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC)
                            .format(Instant.ofEpochMilli(startEpochMillis + s * 1_000)),
                    n[DOWN], n[CLOSES], n[RECONNECTS], n[ACKED], n[DELIVERED]));
        }
        return lines;
    }

    Instant start() {
        return Instant.ofEpochMilli(startEpochMillis);
    }

    private String utc(long nanos) {
        return UTC_TIME.format(Instant.ofEpochMilli(startEpochMillis + (nanos - startNanos) / 1_000_000));
    }
}

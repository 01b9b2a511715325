package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One chat client: a WebSocket to {@code /ws} as one user and device, with the frames it receives handed to a
 * {@link Frames} handler on the client's threads. Connected once the server's {@code hello} has arrived. The JDK
 * client allows one outstanding send per socket, so sends are chained, each after the previous one completed.
 */
final class ChatSocket implements WebSocket.Listener {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What a run does with the frames of its sockets. */
    interface Frames {
        /** A parsed frame arrived on {@code socket} at {@code nowNanos}. */
        void received(ChatSocket socket, JsonNode frame, long nowNanos);

        /** The socket closed, by either side, or failed. */
        default void closed(ChatSocket socket) {
        }
    }

    private final int index;
    private final String userId;
    private final Frames frames;
    private final CompletableFuture<JsonNode> hello = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicLong highestSeq = new AtomicLong();
    private final AtomicLong ackedSeq = new AtomicLong();
    private volatile WebSocket webSocket;
    private volatile boolean closed;
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    private ChatSocket(int index, String userId, Frames frames) {
        this.index = index;
        this.userId = userId;
        this.frames = frames;
    }

    /**
     * Opens a socket for {@code userId} and completes once the server's {@code hello} arrived, or exceptionally
     * when the handshake fails, the socket closes first, or {@code timeout} passes.
     */
    static CompletableFuture<ChatSocket> connect(HttpClient client, URI base, String token, String device, int index,
                                                 String userId, Frames frames, Duration timeout) {
        return open(client, socketUri(base, token, device), index, userId, frames, timeout);
    }

    /**
     * As {@link #connect}, to the WebSocket endpoint {@code endpoint} (e.g. {@code ws://127.0.0.1:8080/ws}, as
     * {@code GET /api/v1/chat/endpoint} names it) rather than to an instance's base URL.
     */
    static CompletableFuture<ChatSocket> connectTo(HttpClient client, URI endpoint, String token, String device,
                                                   int index, String userId, Frames frames, Duration timeout) {
        return open(client, endpointUri(endpoint, token, device), index, userId, frames, timeout);
    }

    private static CompletableFuture<ChatSocket> open(HttpClient client, URI uri, int index, String userId,
                                                      Frames frames, Duration timeout) {
        final ChatSocket socket = new ChatSocket(index, userId, frames);
        final CompletableFuture<ChatSocket> connected = client.newWebSocketBuilder()
                .connectTimeout(timeout)
                .header("User-Agent", "eventline-load")
                .buildAsync(uri, socket)
                .thenCompose(ws -> socket.hello)
                .thenApply(h -> socket)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        connected.whenComplete((s, error) -> {
            if (error != null) {
                socket.abort();
            }
        });
        return connected;
    }

    /** {@code ws://host:port/ws?access_token=...&device=...} of the instance at {@code base}. */
    static URI socketUri(URI base, String token, String device) {
        return endpointUri(URI.create("ws" + base.toString().substring("http".length()) + "/ws"), token, device);
    }

    /** {@code endpoint?access_token=...&device=...}. */
    static URI endpointUri(URI endpoint, String token, String device) {
        return URI.create(endpoint + "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "&device=" + URLEncoder.encode(device, StandardCharsets.UTF_8));
    }

    /** What a failed connect is counted as: {@code handshake 429}, or the failure's type. */
    static String connectFailure(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof WebSocketHandshakeException)) {
            cause = cause.getCause();
        }
        if (cause instanceof WebSocketHandshakeException handshake && handshake.getResponse() != null) {
            return "handshake " + handshake.getResponse().statusCode();
        }
        return LatencyRecorder.failureName(error);
    }

    int index() {
        return index;
    }

    String userId() {
        return userId;
    }

    boolean isOpen() {
        return !closed && webSocket != null && !webSocket.isOutputClosed() && !webSocket.isInputClosed();
    }

    /** The {@code hello} frame, once it arrived. */
    JsonNode hello() {
        return hello.getNow(null);
    }

    /** Sends {@code text} after whatever this socket is still sending; fails if the socket is closed. */
    CompletableFuture<Void> send(String text) {
        final WebSocket ws = webSocket;
        if (ws == null || closed) {
            return CompletableFuture.failedFuture(new IOException("socket closed"));
        }
        synchronized (this) {
            final CompletableFuture<Void> sent = lastSend.handle((r, e) -> null)
                    .thenCompose(x -> ws.sendText(text, true))
                    .thenApply(w -> null);
            lastSend = sent;
            return sent;
        }
    }

    /** Notes a {@code message} frame's seq; returns true if it is the highest seen so far. */
    boolean noteSeq(long seq) {
        return highestSeq.accumulateAndGet(seq, Math::max) == seq;
    }

    /** The highest seq seen and not acknowledged yet, marked acknowledged; 0 if there is none. */
    long takeSeqToAck() {
        final long highest = highestSeq.get();
        final long acked = ackedSeq.get();
        return highest > acked && ackedSeq.compareAndSet(acked, highest) ? highest : 0;
    }

    /** Closes the socket normally; the server's close answer is not awaited. */
    CompletableFuture<Void> close() {
        final WebSocket ws = webSocket;
        closed = true;
        if (ws == null || ws.isOutputClosed()) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (this) {
            return lastSend.handle((r, e) -> null)
                    .thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "load run over"))
                    .handle((w, e) -> {
                        if (e != null) {
                            ws.abort();
                        }
                        return null;
                    });
        }
    }

    void abort() {
        closed = true;
        final WebSocket ws = webSocket;
        if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public void onOpen(WebSocket ws) {
        webSocket = ws;
        ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        final long now = System.nanoTime();
        final String text;
        if (last && partial.isEmpty()) {
            text = data.toString();
        } else {
            partial.append(data);
            if (!last) {
                ws.request(1);
                return null;
            }
            text = partial.toString();
            partial.setLength(0);
        }
        ws.request(1);
        final JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (IOException e) {
            frames.received(this, JSON.createObjectNode().put("type", "unparsable"), now);
            return null;
        }
        if (!hello.isDone() && "hello".equals(frame.path("type").asText())) {
            hello.complete(frame);
        }
        frames.received(this, frame, now);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed = true;
        hello.completeExceptionally(new IOException("closed by the server before hello: " + statusCode + " "
                + reason));
        frames.closed(this);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed = true;
        hello.completeExceptionally(error);
        frames.closed(this);
    }
}

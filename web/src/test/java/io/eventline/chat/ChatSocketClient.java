package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A chat socket as a client holds it (java.net.http's WebSocket), keeping every frame it receives, in order. */
public final class ChatSocketClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private WebSocket socket;

    private ChatSocketClient() {
    }

    /** Connects to {@code baseUrl}'s socket as the holder of {@code token} with {@code device}; fails on refusal. */
    public static ChatSocketClient connect(String baseUrl, String token, String device) throws Exception {
        final ChatSocketClient client = new ChatSocketClient();
        final String url = baseUrl.replaceFirst("^http", "ws") + "/ws?device="
                + URLEncoder.encode(device, StandardCharsets.UTF_8);
        client.socket = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), client.listener()).get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Tries to connect without credentials or with {@code query} only; the failure a refusal gives. */
    public static CompletableFuture<WebSocket> attempt(String baseUrl, String query) {
        final ChatSocketClient client = new ChatSocketClient();
        return HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + "/ws" + query), client.listener());
    }

    /** Sends a frame. */
    public void send(JsonNode frame) {
        sendText(frame.toString());
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** The next frame that satisfies {@code wanted}, skipping (but keeping in {@link #seen()}) the others. */
    public JsonNode await(Predicate<JsonNode> wanted, Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final JsonNode frame = incoming.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (frame != null && wanted.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no wanted frame within " + timeout + "; frames so far: " + seen());
    }

    /** The next frame of {@code type}. */
    public JsonNode await(String type, Duration timeout) throws InterruptedException {
        return await(frame -> type.equals(frame.path("type").asText()), timeout);
    }

    /** Every frame received so far, in order. */
    public synchronized List<JsonNode> seen() {
        return List.copyOf(seen);
    }

    /** The {@code message} frames received so far, in order. */
    public List<JsonNode> messages() {
        return seen().stream().filter(frame -> "message".equals(frame.path("type").asText())).toList();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** The close code the server sent, once it closes the socket within {@code timeout}; -1 on an error. */
    public int awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The reason the server gave when it closed the socket; null before. */
    public String closeReason() {
        return closeReason;
    }

    @Override
    public void close() throws Exception {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
        if (socket != null) {
            // the server answers the close; without an answer in time the socket is dropped
            try {
                closed.get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                socket.abort();
            }
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    final JsonNode frame;
                    try {
                        frame = JSON.readTree(text.toString());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    text.setLength(0);
                    synchronized (ChatSocketClient.this) {
                        seen.add(frame);
                    }
                    incoming.add(frame);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeReason = reason;
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(-1);
            }
        };
    }
}

package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.JwtAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Reads a user's sync queue for a socket through this instance's own {@code GET /api/v1/me/sync}: the queue lives
 * on whichever instance owns the user, and that route already finds it. The request carries a short-lived token
 * of the socket's user, so a socket outlives the token it connected with.
 */
public final class SyncReader {
    private static final Duration TOKEN_TTL = Duration.ofMinutes(1);

    private final HttpClient http;
    private final IntSupplier port;
    private final JwtAuth auth;
    private final ObjectMapper json;
    private final Duration timeout;

    /** @param port this instance's HTTP port, known once the server listens */
    public SyncReader(HttpClient http, IntSupplier port, JwtAuth auth, ObjectMapper json, Duration timeout) {
        this.http = http;
        this.port = port;
        this.auth = auth;
        this.json = json;
        this.timeout = timeout;
    }

    /** The page after {@code after}, or after the device's cursor when that is null; fails unless 200. */
    CompletableFuture<JsonNode> read(String userId, String device, Long after, int limit) {
        final String query = "?device=" + URLEncoder.encode(device, StandardCharsets.UTF_8)
                + (after == null ? "" : "&after=" + after) + "&limit=" + limit;
        final HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port.getAsInt() + ChatRoutes.SYNC_PATH + query))
                .timeout(timeout)
                .header("Authorization", "Bearer " + auth.issue(userId, Set.of(), TOKEN_TTL))
                .header("Accept", "application/json")
                .GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the sync queue answered " + response.statusCode() + " "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            try {
                return json.readTree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}

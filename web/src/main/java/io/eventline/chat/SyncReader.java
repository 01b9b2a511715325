package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.query.InstanceClient;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Reads a user's sync queue for a socket through the internal twin of {@code GET /api/v1/me/sync} on this
 * instance: the queue lives on whichever instance owns the user, and that route already finds it. The request
 * acts for the socket's user, so a socket outlives the token it connected with.
 */
public final class SyncReader {
    private final InstanceClient instances;
    private final IntSupplier port;
    private final ObjectMapper json;

    /** @param port this instance's HTTP port, known once the server listens */
    public SyncReader(InstanceClient instances, IntSupplier port, ObjectMapper json) {
        this.instances = instances;
        this.port = port;
        this.json = json;
    }

    /** Whom a socket opened by the request {@code ctx} reads for: its user and client address. */
    InternalCalls.Caller callerOf(Context ctx) {
        return instances.callerOf(ctx);
    }

    /** The page after {@code after}, or after the device's cursor when that is null; fails unless 200. */
    CompletableFuture<JsonNode> read(InternalCalls.Caller caller, String device, Long after, int limit) {
        final String query = "?device=" + URLEncoder.encode(device, StandardCharsets.UTF_8)
                + (after == null ? "" : "&after=" + after) + "&limit=" + limit;
        final HttpRequest request = instances.get(new HostInfo("localhost", port.getAsInt()),
                ChatRoutes.SYNC_PATH + query, caller, "application/json");
        return instances.http().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
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

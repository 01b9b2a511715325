package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.query.InstanceClient;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a user's sync queue for a socket: from this instance's stores when it owns the user, else through the
 * internal twin of {@code GET /api/v1/me/sync} at the instance that does. The request acts for the socket's user,
 * so a socket outlives the token it connected with.
 */
public final class SyncReader {
    private final QueryRouter chat;
    private final InstanceClient instances;
    private final ObjectMapper json;

    /** @param chat routes to the owners of the chat application's keys */
    public SyncReader(QueryRouter chat, InstanceClient instances, ObjectMapper json) {
        this.chat = chat;
        this.instances = instances;
        this.json = json;
    }

    /** Whom a socket opened by the request {@code ctx} reads for: its user and client address. */
    InternalCalls.Caller callerOf(Context ctx) {
        return instances.callerOf(ctx);
    }

    /**
     * The page after {@code after}, or after the device's cursor when that is null: read here when this instance
     * owns the user, else asked of the owner; fails unless the owner answered 200.
     */
    CompletableFuture<JsonNode> read(InternalCalls.Caller caller, String device, Long after, int limit) {
        final String userId = caller.principal().userId();
        final String query = "?device=" + URLEncoder.encode(device, StandardCharsets.UTF_8)
                + (after == null ? "" : "&after=" + after) + "&limit=" + limit;
        return chat.read(ChatStores.USERS, userId,
                stores -> ChatRoutes.syncPage(json, stores, userId, device, after, limit),
                ChatRoutes.SYNC_PATH + query, caller, this::page);
    }

    private JsonNode page(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the sync queue answered " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.eventline.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    private final MessageTexts texts;

    /**
     * @param chat  routes to the owners of users' queues
     * @param texts reads the texts the queue's entries point at
     */
    public SyncReader(QueryRouter chat, InstanceClient instances, ObjectMapper json, MessageTexts texts) {
        this.chat = chat;
        this.texts = texts;
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
    CompletableFuture<ObjectNode> read(InternalCalls.Caller caller, String device, Long after, int limit) {
        final String userId = caller.principal().userId();
        final String query = "?device=" + URLEncoder.encode(device, StandardCharsets.UTF_8)
                + (after == null ? "" : "&after=" + after) + "&limit=" + limit;
        // the owner's answer comes with texts; a page read here is filled in from the channels' histories
        return chat.read(ChatStores.USERS, userId,
                stores -> ChatRoutes.syncPage(json, stores, userId, device, after, limit),
                ChatRoutes.SYNC_PATH + query, caller, this::page).thenCompose(texts::fill);
    }

    private ObjectNode page(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the sync queue answered " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        try {
            return (ObjectNode) json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

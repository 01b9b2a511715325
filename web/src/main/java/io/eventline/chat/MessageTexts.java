package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventline.auth.InternalCalls;
import io.eventline.http.ApiContract;
import io.eventline.http.ApiRoute;
import io.eventline.http.ProblemException;
import io.eventline.query.LocalStores;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The texts of messages, which sync entries and live events point at instead of carrying them: read from the
 * channel's history where it lives (this instance's store, or its owner's over the internal path) and kept in a
 * cache bounded in bytes, so the members of a group on one instance cost one read between them.
 */
public final class MessageTexts {
    /** The internal path where the owner of a channel's partition answers texts from its history. */
    static final String TEXTS_PATH = "/chat/message-texts";
    /** IDs per request to the owner. */
    static final int MAX_IDS = 200;
    private static final int ENTRY_OVERHEAD_BYTES = 96;

    private final QueryRouter channels;
    private final InternalCalls.Caller self;
    private final ObjectMapper json;
    private final AsyncCache<String, String> texts;

    /**
     * @param channels   routes to the owners of channels' partitions
     * @param self       how this instance acts when it asks another for texts: for no user
     * @param cacheBytes the most the cached texts take, counted at two bytes a character
     */
    public MessageTexts(QueryRouter channels, InternalCalls.Caller self, ObjectMapper json, long cacheBytes) {
        this.channels = channels;
        this.self = self;
        this.json = json;
        this.texts = Caffeine.newBuilder().maximumWeight(cacheBytes)
                .weigher((String key, String text) -> ENTRY_OVERHEAD_BYTES + 2 * text.length())
                .expireAfterAccess(Duration.ofMinutes(10)).buildAsync();
    }

    /** The entry with its message's text, as a socket sends it. */
    CompletableFuture<SyncEntry> complete(SyncEntry entry) {
        final ChatMessage message = entry.getMessage();
        if (!message.getText().isEmpty()) {
            return CompletableFuture.completedFuture(entry);
        }
        return texts.get(key(message.getChannelId(), message.getMessageId()),
                (key, executor) -> fetch(message.getChannelId(), List.of(message.getMessageId()))
                        .thenApply(found -> found.getOrDefault(message.getMessageId(), "")))
                .thenApply(text -> new SyncEntry(entry.getSeq(),
                        ChatMessage.newBuilder(message).setText(text).build()));
    }

    /** Fills in the text of every entry of a sync page that lacks it; one request per channel at most. */
    CompletableFuture<ObjectNode> fill(ObjectNode page) {
        final Map<String, List<ObjectNode>> missing = new LinkedHashMap<>();
        for (JsonNode entry : page.path("entries")) {
            if (entry.path("text").asText("").isEmpty()) {
                missing.computeIfAbsent(entry.path("channelId").asText(), channel -> new ArrayList<>())
                        .add((ObjectNode) entry);
            }
        }
        final List<CompletableFuture<Void>> filled = new ArrayList<>();
        missing.forEach((channelId, entries) -> filled.add(fill(channelId, entries)));
        return CompletableFuture.allOf(filled.toArray(CompletableFuture[]::new)).thenApply(done -> page);
    }

    private CompletableFuture<Void> fill(String channelId, List<ObjectNode> entries) {
        final List<Long> unknown = new ArrayList<>();
        for (ObjectNode entry : entries) {
            final CompletableFuture<String> cached = texts.getIfPresent(key(channelId, messageId(entry)));
            if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
                entry.put("text", cached.join());
            } else {
                unknown.add(messageId(entry));
            }
        }
        if (unknown.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return fetch(channelId, unknown).thenAccept(found -> {
            found.forEach((id, text) -> texts.put(key(channelId, id), CompletableFuture.completedFuture(text)));
            for (ObjectNode entry : entries) {
                final String text = found.get(messageId(entry));
                if (text != null) {
                    entry.put("text", text);
                }
            }
        });
    }

    /** Texts by message ID from the channel's history; IDs it no longer holds are left out. */
    private CompletableFuture<Map<Long, String>> fetch(String channelId, List<Long> messageIds) {
        final List<CompletableFuture<Map<Long, String>>> parts = new ArrayList<>();
        for (int from = 0; from < messageIds.size(); from += MAX_IDS) {
            final List<Long> part = messageIds.subList(from, Math.min(messageIds.size(), from + MAX_IDS));
            parts.add(channels.read(ChatStores.CHANNELS, channelId, stores -> local(stores, channelId, part),
                    TEXTS_PATH + "?channel=" + URLEncoder.encode(channelId, StandardCharsets.UTF_8) + "&ids="
                            + String.join(",", part.stream().map(String::valueOf).toList()), self, this::remote));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            final Map<Long, String> all = new HashMap<>();
            parts.forEach(part -> all.putAll(part.join()));
            return all;
        });
    }

    private static Map<Long, String> local(LocalStores stores, String channelId, List<Long> messageIds) {
        final ReadOnlyKeyValueStore<String, ChatMessage> history = stores.keyValue(ChatStores.HISTORY);
        final Map<Long, String> found = new HashMap<>();
        for (long id : messageIds) {
            final ChatMessage message = history.get(ChatKeys.history(channelId, id));
            if (message != null) {
                found.put(id, message.getText());
            }
        }
        return found;
    }

    private Map<Long, String> remote(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the channel's owner answered " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        try {
            final Map<Long, String> found = new HashMap<>();
            json.readTree(response.body()).path("texts").fields()
                    .forEachRemaining(field -> found.put(Long.parseLong(field.getKey()), field.getValue().asText()));
            return found;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("the channel's owner's answer cannot be read", e);
        }
    }

    /** The internal route where other instances read texts of channels whose partitions this instance owns. */
    public ApiRoute route() {
        return new ApiRoute(HandlerType.GET, InternalCalls.PREFIX + TEXTS_PATH, "chat",
                "Texts of messages from the history of a channel whose partition this instance owns", false,
                this::answer, ApiRoute.LimitedBy.NONE, 0, ApiContract.none());
    }

    private void answer(Context ctx) throws Exception {
        final String channelId = ctx.queryParam("channel");
        final List<Long> ids = ids(ctx.queryParam("ids"));
        if (channelId == null || !ChatKeys.usable(channelId)) {
            throw new ProblemException(400, "invalid-request", "Invalid request", "channel must be a channel ID");
        }
        channels.answer(ctx, ChatStores.CHANNELS, channelId, (c, stores) -> {
            final ObjectNode body = json.createObjectNode();
            final ObjectNode found = body.putObject("texts");
            local(stores, channelId, ids).forEach((id, text) -> found.put(Long.toString(id), text));
            c.contentType("application/json").result(body.toString());
        });
    }

    private static List<Long> ids(String value) {
        final List<Long> ids = new ArrayList<>();
        if (value != null && !value.isEmpty()) {
            for (String id : value.split(",", MAX_IDS + 1)) {
                try {
                    ids.add(Long.parseLong(id));
                } catch (NumberFormatException e) {
                    throw new ProblemException(400, "invalid-request", "Invalid request", "ids must be message IDs");
                }
            }
        }
        if (ids.isEmpty() || ids.size() > MAX_IDS) {
            throw new ProblemException(400, "invalid-request", "Invalid request",
                    "ids must name 1 to " + MAX_IDS + " message IDs");
        }
        return ids;
    }

    private static long messageId(JsonNode entry) {
        return Long.parseLong(entry.path("messageId").asText("0"));
    }

    private static String key(String channelId, long messageId) {
        return ChatKeys.history(channelId, messageId);
    }
}

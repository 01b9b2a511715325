package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventline.auth.InternalCalls;
import io.eventline.http.ApiContract;
import io.eventline.http.ApiRoute;
import io.eventline.query.InstanceClient;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which socket URL a user's client should open: that of the instance that owns the user's partition in the chat
 * application, whose reads of the user's queue then stay local. Each instance's public socket URL is its own
 * setting ({@code EVENTLINE_SOCKET_URL}), which other instances learn from it over the internal path and
 * remember; its internal address is never handed to clients. Any instance serves any socket, so while ownership
 * is unknown, or the owner cannot say, the answer is this instance's URL.
 */
public final class SocketLocator {
    /** The public-style path whose internal twin answers an instance's socket URL. */
    static final String URL_PATH = "/chat/socket-url";
    private static final Serializer<String> KEYS = new StringSerializer();

    private final KafkaStreams chat;
    private final HostInfo self;
    private final String ownUrl;
    private final InstanceClient instances;
    private final ObjectMapper json;
    private final Cache<HostInfo, String> urls = Caffeine.newBuilder().maximumSize(1_000)
            .expireAfterWrite(Duration.ofMinutes(5)).build();

    /** @param ownUrl this instance's public socket URL */
    public SocketLocator(KafkaStreams chat, HostInfo self, String ownUrl, InstanceClient instances, ObjectMapper json) {
        this.chat = chat;
        this.self = self;
        this.ownUrl = ownUrl;
        this.instances = instances;
        this.json = json;
    }

    CompletableFuture<String> urlFor(String userId) {
        final HostInfo owner = ownerOf(userId);
        if (owner == null || owner.equals(self)) {
            return CompletableFuture.completedFuture(ownUrl);
        }
        final String known = urls.getIfPresent(owner);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return instances.http().sendAsync(instances.get(owner, URL_PATH,
                        new InternalCalls.Caller(null, self.host(), false), "application/json"),
                        HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    final String url = urlIn(response);
                    urls.put(owner, url);
                    return url;
                })
                .exceptionally(error -> ownUrl);
    }

    private String urlIn(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the owner answered " + response.statusCode());
        }
        try {
            final JsonNode url = json.readTree(response.body()).get("url");
            if (url == null || !url.isTextual()) {
                throw new IllegalStateException("the owner named no socket URL");
            }
            return url.asText();
        } catch (IOException e) {
            throw new IllegalStateException("the owner's answer cannot be read", e);
        }
    }

    private HostInfo ownerOf(String userId) {
        try {
            final KeyQueryMetadata owner = chat.queryMetadataForKey(ChatStores.USERS, userId, KEYS);
            if (owner != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(owner) && owner.activeHost() != null
                    && owner.activeHost().port() > 0) {
                return owner.activeHost();
            }
        } catch (IllegalStateException e) {
            // not running yet or rebalancing: this instance serves the socket as well as any
        }
        return null;
    }

    /** The internal route where other instances learn this instance's socket URL. */
    public ApiRoute route() {
        return new ApiRoute(HandlerType.GET, InternalCalls.PREFIX + URL_PATH, "chat",
                "This instance's public chat socket URL", false,
                ctx -> ctx.contentType("application/json").result(json.createObjectNode().put("url", ownUrl)
                        .toString()), ApiRoute.LimitedBy.NONE, 0, ApiContract.none());
    }
}

package io.eventline.chat;

import java.net.URI;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which instance a user's socket is best opened at: the owner of the user's partition in the chat application,
 * whose reads of the user's queue then stay local. Any instance serves any socket, so while ownership is unknown
 * the answer is this instance.
 */
public final class SocketLocator {
    private static final Serializer<String> KEYS = new StringSerializer();

    private final KafkaStreams chat;
    private final HostInfo self;
    private final String scheme;

    /** @param advertised this instance's URL as other instances and clients reach it */
    public SocketLocator(KafkaStreams chat, HostInfo self, URI advertised) {
        this.chat = chat;
        this.self = self;
        this.scheme = "https".equals(advertised.getScheme().toLowerCase(Locale.ROOT)) ? "wss" : "ws";
    }

    String urlFor(String userId) {
        HostInfo host = self;
        try {
            final KeyQueryMetadata owner = chat.queryMetadataForKey(ChatStores.USERS, userId, KEYS);
            if (owner != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(owner) && owner.activeHost() != null
                    && owner.activeHost().port() > 0) {
                host = owner.activeHost();
            }
        } catch (IllegalStateException e) {
            // not running yet or rebalancing: this instance serves the socket as well as any
        }
        return scheme + "://" + host.host() + ":" + host.port() + ChatSocketEndpoint.PATH;
    }
}

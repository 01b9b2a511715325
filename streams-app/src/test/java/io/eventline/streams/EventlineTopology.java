package io.eventline.streams;

import io.eventline.chat.ChatSettings;
import io.eventline.chat.ChatTopology;
import io.eventline.feed.FeedSettings;
import io.eventline.feed.FeedTopology;
import io.eventline.operations.OperationsSettings;
import io.eventline.operations.OperationsTopology;
import io.eventline.ratelimit.RateLimitSettings;
import io.eventline.ratelimit.RateLimitTopology;
import io.eventline.serde.EventSerdes;
import io.eventline.shorturl.ShortUrlSettings;
import io.eventline.shorturl.ShortUrlTopology;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * The at-least-once application as an instance runs it, for benchmarks that run it without the web layer. An
 * instance composes it from its domains' list in the order they are listed ({@code Platform}); keep the two in the
 * same order.
 */
public final class EventlineTopology {
    private EventlineTopology() {
    }

    /** @param chat chat's settings, for its channel side; null leaves chat out */
    public static Topology build(ShortUrlSettings shortUrl, FeedSettings feed, RateLimitSettings rateLimit,
                                 ChatSettings chat, EventSerdes serdes, Properties streamsProperties) {
        final StreamsBuilder builder = new StreamsBuilder();
        OperationsTopology.addTo(builder, OperationsSettings.defaults(), serdes);
        ShortUrlTopology.addTo(builder, shortUrl, serdes);
        FeedTopology.addTo(builder, feed, serdes);
        RateLimitTopology.addTo(builder, rateLimit, serdes);
        if (chat != null) {
            ChatTopology.addChannelSide(builder, chat, serdes);
        }
        return builder.build(streamsProperties);
    }
}

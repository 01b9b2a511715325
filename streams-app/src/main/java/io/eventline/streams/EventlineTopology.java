package io.eventline.streams;

import io.eventline.chat.ChatTopology;
import io.eventline.feed.FeedChanges;
import io.eventline.feed.FeedTopology;
import io.eventline.operations.OperationsTopology;
import io.eventline.platform.ChatSettings;
import io.eventline.platform.FeedSettings;
import io.eventline.platform.RateLimitSettings;
import io.eventline.ratelimit.CounterPartitions;
import io.eventline.ratelimit.RateLimitTopology;
import io.eventline.serde.EventSerdes;
import io.eventline.shorturl.ShortUrlTopology;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/** Every domain's topology in one application, so one instance can answer for every store. */
public final class EventlineTopology {
    private EventlineTopology() {
    }

    public static Topology build(ShortUrlTopology.Settings shortUrl, FeedSettings feed, RateLimitSettings rateLimit,
                                 EventSerdes serdes, Properties streamsProperties) {
        return build(shortUrl, feed, rateLimit, serdes, streamsProperties, FeedChanges.NONE);
    }

    /** @param feedChanges told of each change of a feed post or profile on the instance that owns it */
    public static Topology build(ShortUrlTopology.Settings shortUrl, FeedSettings feed, RateLimitSettings rateLimit,
                                 EventSerdes serdes, Properties streamsProperties, FeedChanges feedChanges) {
        return build(shortUrl, feed, rateLimit, serdes, streamsProperties, feedChanges, new CounterPartitions(), null);
    }

    /**
     * @param counters where the limiter's tasks announce the counters this process decides
     * @param chat     chat's settings, for its channel side; null leaves chat out
     */
    public static Topology build(ShortUrlTopology.Settings shortUrl, FeedSettings feed, RateLimitSettings rateLimit,
                                 EventSerdes serdes, Properties streamsProperties, FeedChanges feedChanges,
                                 CounterPartitions counters, ChatSettings chat) {
        final StreamsBuilder builder = new StreamsBuilder();
        OperationsTopology.addTo(builder, serdes);
        ShortUrlTopology.addTo(builder, shortUrl, serdes);
        FeedTopology.addTo(builder, feed, shortUrl.partitions(), serdes, feedChanges);
        RateLimitTopology.addTo(builder, rateLimit.decisionRetention(), serdes, counters);
        if (chat != null) {
            ChatTopology.addChannelSteps(builder, chat, shortUrl.partitions(), serdes);
        }
        return builder.build(streamsProperties);
    }
}

package io.eventline.feed;

import io.eventline.platform.FeedSettings;
import io.eventline.serde.EventSerdes;
import org.apache.kafka.streams.StreamsBuilder;

/** The news feed. */
public final class FeedTopology {
    private FeedTopology() {
    }

    public static void addTo(StreamsBuilder builder, FeedSettings settings, EventSerdes serdes) {
    }
}

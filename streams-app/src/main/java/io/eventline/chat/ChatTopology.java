package io.eventline.chat;

import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.platform.ChatSettings;
import io.eventline.serde.EventSerdes;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/** STUB: replaced by the real topology. */
public final class ChatTopology {
    private ChatTopology() {
    }

    public static Topology build(ChatSettings settings, SnowflakeIdGenerator ids, EventSerdes serdes,
                                 Properties streamsProperties) {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(ChatTopics.MESSAGES.name());
        return builder.build(streamsProperties);
    }
}

package io.eventline.streams;

import io.eventline.chat.ChatSettings;
import io.eventline.chat.ChatTopology;
import io.eventline.notify.NotifySettings;
import io.eventline.notify.NotifyTopology;
import io.eventline.serde.EventSerdes;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * The steps that need exactly-once processing, notifications and chat's per-user side, in one application
 * ({@link StreamsSettings#notifications}): one more consumer group, thread and transactional producer per
 * instance rather than one per domain. Chat's channel side runs in the at-least-once application
 * ({@link EventlineTopology}).
 */
public final class ExactlyOnceTopology {
    private ExactlyOnceTopology() {
    }

    public static Topology build(NotifySettings notifications, ChatSettings chat, EventSerdes serdes,
                                 Properties streamsProperties) {
        final StreamsBuilder builder = new StreamsBuilder();
        NotifyTopology.addTo(builder, notifications, serdes);
        ChatTopology.addUserSide(builder, chat, serdes);
        return builder.build(streamsProperties);
    }
}

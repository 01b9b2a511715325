package io.eventline.query;

import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/** A streams application that was never started: its stores cannot be read, as on an instance still starting. */
public final class NotStartedStreams {
    private NotStartedStreams() {
    }

    public static KafkaStreams create(Path stateDir) {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream("never-read");
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "not-started-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new KafkaStreams(builder.build(), props);
    }
}

package io.eventline.ops;

import org.apache.kafka.streams.KafkaStreams;

/** Ready means the streams are RUNNING and their stores can be queried. */
public final class Readiness {
    private final KafkaStreams streams;

    public Readiness(KafkaStreams streams) {
        this.streams = streams;
    }

    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING && !streams.metadataForAllStreamsClients().isEmpty();
    }

    public String state() {
        return streams.state().name();
    }
}

package io.eventline.ops;

import io.eventline.query.CatchUpGate;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Ready means the streams are RUNNING, their stores can be queried, and they have caught up with the input
 * they held when they started running.
 */
public final class Readiness {
    private final KafkaStreams streams;
    private final CatchUpGate catchUp;

    public Readiness(KafkaStreams streams, CatchUpGate catchUp) {
        this.streams = streams;
        this.catchUp = catchUp;
    }

    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING && !streams.metadataForAllStreamsClients().isEmpty()
                && catchUp.caughtUp();
    }

    public String state() {
        return streams.state().name();
    }
}

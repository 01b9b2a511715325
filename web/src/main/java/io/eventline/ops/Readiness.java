package io.eventline.ops;

import io.eventline.query.CatchUpGate;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Ready means every streams application of the instance is RUNNING, their stores can be queried, and they have
 * caught up with the input they held when they started running.
 */
public final class Readiness {
    private final List<App> apps;

    /** One streams application and the gate that tells when it caught up. */
    public record App(KafkaStreams streams, CatchUpGate catchUp) {
        boolean isReady() {
            return streams.state() == KafkaStreams.State.RUNNING && !streams.metadataForAllStreamsClients().isEmpty()
                    && catchUp.caughtUp();
        }
    }

    public Readiness(List<App> apps) {
        this.apps = List.copyOf(apps);
    }

    public boolean isReady() {
        return apps.stream().allMatch(App::isReady);
    }

    /** RUNNING when all run, otherwise the state of the first that does not. */
    public String state() {
        return apps.stream().map(app -> app.streams().state()).filter(state -> state != KafkaStreams.State.RUNNING)
                .findFirst().orElse(KafkaStreams.State.RUNNING).name();
    }
}

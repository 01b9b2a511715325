package io.eventline.ops;

import io.eventline.query.CatchUpGate;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Ready means every streams application of the instance is RUNNING, their stores can be queried, and they have
 * caught up with the input they held when they started running.
 */
public final class Readiness {
    private final List<App> apps;
    private final BooleanSupplier workersRunning;

    /** One streams application and the gate that tells when it caught up. */
    public record App(KafkaStreams streams, CatchUpGate catchUp) {
        boolean isReady() {
            return streams.state() == KafkaStreams.State.RUNNING && !streams.metadataForAllStreamsClients().isEmpty()
                    && catchUp.caughtUp();
        }
    }

    /** @param workersRunning whether the instance's other workers (the notification senders) still run */
    public Readiness(List<App> apps, BooleanSupplier workersRunning) {
        this.apps = List.copyOf(apps);
        this.workersRunning = workersRunning;
    }

    public boolean isReady() {
        return apps.stream().allMatch(App::isReady) && workersRunning.getAsBoolean();
    }

    /** RUNNING when all run, otherwise the state of the first that does not, or WORKERS_STOPPED. */
    public String state() {
        final String streams = apps.stream().map(app -> app.streams().state())
                .filter(state -> state != KafkaStreams.State.RUNNING)
                .findFirst().orElse(KafkaStreams.State.RUNNING).name();
        return KafkaStreams.State.RUNNING.name().equals(streams) && !workersRunning.getAsBoolean()
                ? "WORKERS_STOPPED" : streams;
    }
}

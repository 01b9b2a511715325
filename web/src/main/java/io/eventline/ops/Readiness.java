package io.eventline.ops;

import io.eventline.query.CatchUpGate;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Ready means every streams application of the instance is RUNNING, their stores can be queried, they have
 * caught up with the input they held when they started running, and the instance holds its worker lease (without
 * it, it issues no IDs and so takes no writes).
 */
public final class Readiness {
    private final List<App> apps;
    private final BooleanSupplier workersRunning;
    private final BooleanSupplier leaseHeld;

    /** One streams application and the gate that tells when it caught up. */
    public record App(KafkaStreams streams, CatchUpGate catchUp) {
        boolean isReady() {
            return streams.state() == KafkaStreams.State.RUNNING && !streams.metadataForAllStreamsClients().isEmpty()
                    && catchUp.caughtUp();
        }
    }

    /**
     * @param workersRunning whether the instance's other workers (the notification senders) still run
     * @param leaseHeld      whether the instance holds the lease on its worker ID
     */
    public Readiness(List<App> apps, BooleanSupplier workersRunning, BooleanSupplier leaseHeld) {
        this.apps = List.copyOf(apps);
        this.workersRunning = workersRunning;
        this.leaseHeld = leaseHeld;
    }

    public boolean isReady() {
        return apps.stream().allMatch(App::isReady) && workersRunning.getAsBoolean() && leaseHeld.getAsBoolean();
    }

    /**
     * RUNNING when all run, otherwise the state of the first streams application that does not, WORKERS_STOPPED,
     * or WORKER_LEASE_LOST.
     */
    public String state() {
        final String streams = apps.stream().map(app -> app.streams().state())
                .filter(state -> state != KafkaStreams.State.RUNNING)
                .findFirst().orElse(KafkaStreams.State.RUNNING).name();
        if (!KafkaStreams.State.RUNNING.name().equals(streams)) {
            return streams;
        }
        if (!workersRunning.getAsBoolean()) {
            return "WORKERS_STOPPED";
        }
        return leaseHeld.getAsBoolean() ? streams : "WORKER_LEASE_LOST";
    }
}

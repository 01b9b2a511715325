package io.eventline.registry;

import java.util.ArrayList;
import java.util.List;

/** A log held in memory that applies each command as it is appended, for tests that run without Kafka. */
final class InMemoryRegistryLog implements RegistryLog {
    private final RegistryState state;
    private final List<RegistryCommand> commands = new ArrayList<>();

    InMemoryRegistryLog(RegistryState state) {
        this.state = state;
    }

    @Override
    public synchronized Object append(RegistryCommand command) {
        commands.add(command);
        return state.apply(command);
    }

    @Override
    public void catchUp() {
    }

    /** Every command appended so far, accepted or refused, in order. */
    synchronized List<RegistryCommand> commands() {
        return List.copyOf(commands);
    }

    @Override
    public void close() {
    }
}

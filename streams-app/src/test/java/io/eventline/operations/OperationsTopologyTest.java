package io.eventline.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperationsTopologyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, OperationOutcome> outcomes;

    @BeforeEach
    void start() {
        final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "operations-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(OperationsTopology.build(OperationsSettings.defaults(), serdes), props);
        outcomes = driver.createInputTopic(OperationTopics.OUTCOMES.name(), Serdes.String().serializer(),
                serdes.of(OperationOutcome.class).serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldKeepTheTerminalOutcomeWhenALatePendingMarkerArrives() {
        // Given: a write marked pending, then decided
        outcomes.pipeInput("e-1", Outcomes.pending("e-1", "alice", T0), T0);
        outcomes.pipeInput("e-1", Outcomes.accepted("e-1", "alice", 201, "{}", T0), T0.plusMillis(5));

        // When: a pending marker comes late
        outcomes.pipeInput("e-1", Outcomes.pending("e-1", "alice", T0), T0.plusMillis(10));

        // Then: the write is reported decided
        assertThat(kept("e-1").getStatus()).isEqualTo(OperationStatus.ACCEPTED);
        assertThat(kept("e-1").getHttpStatus()).isEqualTo(201);
    }

    @Test
    void shouldForgetAnOutcomeOnceTheTopicNoLongerKeepsIt() {
        // Given: an early write's outcome
        outcomes.pipeInput("early", Outcomes.accepted("early", "alice", 201, "{}", T0), T0);
        assertThat(kept("early")).isNotNull();

        // When: writes go on for longer than the retention
        final Instant later = T0.plus(OperationStores.RETENTION.multipliedBy(2));
        outcomes.pipeInput("late", Outcomes.accepted("late", "bob", 201, "{}", later), later);

        // Then: the early outcome is gone, the late one kept
        assertThat(kept("early")).isNull();
        assertThat(kept("late")).isNotNull();
    }

    private OperationOutcome kept(String eventId) {
        final ReadOnlyWindowStore<String, OperationOutcome> store = driver.getWindowStore(OperationStores.OUTCOMES);
        final var found = OperationStores.outcome(store, eventId);
        return found == null ? null : found.value;
    }
}

package io.eventline.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.ids.IdsUnavailableException;
import io.eventline.ids.SnowflakeIdGenerator;
import java.time.InstantSource;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetriedProcessingHandlerTest {
    private final AtomicBoolean leased = new AtomicBoolean(true);
    private final SnowflakeIdGenerator ids = new SnowflakeIdGenerator(1, 1, InstantSource.system(),
            SnowflakeIdGenerator.DEFAULT_MAX_BACKWARD_WAIT, leased::get);
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> input;
    private TestOutputTopic<String, String> output;

    @BeforeEach
    void start() {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(value -> {
                    if (value.equals("broken")) {
                        throw new IllegalArgumentException("a record no retry can fix");
                    }
                    return value + ":" + ids.nextId();
                }, Named.as("assign-ids"))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "retried-handler-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RetriedProcessingHandler.class);
        driver = new TopologyTestDriver(builder.build(), props);
        input = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
        output = driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldStopInsteadOfSkippingARecordThatNeedsAnIdWhileNoneMayBeIssued() {
        // Given an instance that lost its worker lease
        leased.set(false);

        // When / Then the record is not skipped: its thread stops, to process it again later
        assertThatThrownBy(() -> input.pipeInput("k", "message")).isInstanceOf(StreamsException.class)
                .hasRootCauseInstanceOf(IdsUnavailableException.class);
        assertThat(output.isEmpty()).isTrue();
    }

    @Test
    void shouldStillSkipARecordThatFailsForAnyOtherReason() {
        // When
        input.pipeInput("k", "broken");
        input.pipeInput("k", "fine");

        // Then
        assertThat(output.readValuesToList()).singleElement().asString().startsWith("fine:");
    }
}

package io.eventline.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.platform.EventlineConfig;
import io.eventline.registry.client.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsSettingsTest {
    private static final String GLOBAL_TOPIC = "settings-test.global.v1";
    private static final String GLOBAL_STORE = "settings-test-global-store";
    private static final String POISON = "poison";
    private static final String INPUT_TOPIC = "settings-test.input.v1";
    private static final String OUTPUT_TOPIC = "settings-test.output.v1";

    @TempDir
    Path dataDir;

    private TopologyTestDriver driver;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldSkipARecordThatFailsInAGlobalStoreAndKeepTheNext() {
        // given the instance's streams properties and a global store whose processor fails on one record
        final Properties props = StreamsSettings.of(
                EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dataDir.toString())), "unused:9092");
        driver = new TopologyTestDriver(globalStoreTopology(), props);
        final TestInputTopic<String, String> global =
                driver.createInputTopic(GLOBAL_TOPIC, new StringSerializer(), new StringSerializer());

        // when that record arrives, followed by a good one
        global.pipeInput("a", POISON);
        global.pipeInput("b", "kept");

        // then the failing record is skipped and the store keeps the good one
        final KeyValueStore<String, String> store = driver.getKeyValueStore(GLOBAL_STORE);
        assertThat(store.get("a")).isNull();
        assertThat(store.get("b")).isEqualTo("kept");
    }

    @Test
    void shouldDeadLetterARecordThatCannotBeWrittenAndWriteTheNext() {
        // given the instance's streams properties and a sink whose serializer refuses one value
        final Properties props = StreamsSettings.of(
                EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dataDir.toString())), "unused:9092");
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT_TOPIC, Consumed.with(Serdes.String(), Serdes.String()))
                .to(OUTPUT_TOPIC, Produced.with(Serdes.String(), Serdes.serdeFrom(new RefusingPoison(),
                        new StringDeserializer())));
        driver = new TopologyTestDriver(builder.build(), props);
        final TestInputTopic<String, String> input =
                driver.createInputTopic(INPUT_TOPIC, new StringSerializer(), new StringSerializer());

        // when the refused value comes, followed by a good one
        input.pipeInput("a", POISON);
        input.pipeInput("b", "kept");

        // then the refused record is in the dead letters with the reason, and the good one was written
        final TestOutputTopic<String, String> output =
                driver.createOutputTopic(OUTPUT_TOPIC, new StringDeserializer(), new StringDeserializer());
        assertThat(output.readKeyValuesToList()).containsExactly(KeyValue.pair("b", "kept"));
        final TestOutputTopic<String, String> deadLetters = driver.createOutputTopic(
                StreamsSettings.DEAD_LETTER_TOPIC, new StringDeserializer(), new StringDeserializer());
        final TestRecord<String, String> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("a");
        assertThat(dead.value()).isEqualTo(POISON);
        assertThat(new String(dead.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
                .contains("refused");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAnUnreadableRecordButNeverOneTheRegistryCouldNotAnswerFor() {
        // given a source whose values need the registry: one is garbage, one arrives while the registry is away
        final Properties props = StreamsSettings.of(
                EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dataDir.toString())), "unused:9092");
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT_TOPIC, Consumed.with(Serdes.String(), Serdes.serdeFrom(new StringSerializer(),
                        new RegistryDependent())))
                .to(OUTPUT_TOPIC, Produced.with(Serdes.String(), Serdes.String()));
        driver = new TopologyTestDriver(builder.build(), props);
        final TestInputTopic<String, String> input =
                driver.createInputTopic(INPUT_TOPIC, new StringSerializer(), new StringSerializer());
        final TestOutputTopic<String, String> deadLetters = driver.createOutputTopic(
                StreamsSettings.DEAD_LETTER_TOPIC, new StringDeserializer(), new StringDeserializer());

        // when the garbage comes, then a good record
        input.pipeInput("a", "garbage");
        input.pipeInput("b", "kept");

        // then the garbage is a dead letter and the good one went on
        assertThat(deadLetters.readKeyValuesToList()).containsExactly(KeyValue.pair("a", "garbage"));
        assertThat(driver.createOutputTopic(OUTPUT_TOPIC, new StringDeserializer(), new StringDeserializer())
                .readKeyValuesToList()).containsExactly(KeyValue.pair("b", "kept"));

        // and a record read while the registry is away stops the thread instead of being skipped
        assertThatThrownBy(() -> input.pipeInput("c", "registry-away")).hasStackTraceContaining("registry is away");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    /** Reads strings, as a deserializer that needs the registry would: garbage is unreadable, and so is "away". */
    private static final class RegistryDependent extends StringDeserializer {
        @Override
        public String deserialize(String topic, byte[] data) {
            final String value = super.deserialize(topic, data);
            if ("garbage".equals(value)) {
                throw new SerializationException("not a record");
            }
            if ("registry-away".equals(value)) {
                throw new SerializationException("cannot decode", new SchemaRegistryException(
                        "GET /schemas/ids/1 failed: the registry is away", new java.net.ConnectException("refused")));
            }
            return value;
        }
    }

    /** Serializes strings, except the poison one. */
    private static final class RefusingPoison extends StringSerializer {
        @Override
        public byte[] serialize(String topic, String data) {
            if (POISON.equals(data)) {
                throw new SerializationException("refused " + data);
            }
            return super.serialize(topic, data);
        }
    }

    private static Topology globalStoreTopology() {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(GLOBAL_STORE), Serdes.String(),
                        Serdes.String()).withLoggingDisabled(),
                GLOBAL_TOPIC, Consumed.with(Serdes.String(), Serdes.String()), FailingOnPoison::new);
        return builder.build();
    }

    /** Keeps each record in the global store, except the poison one, which it cannot process. */
    private static final class FailingOnPoison implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(GLOBAL_STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            if (POISON.equals(record.value())) {
                throw new IllegalStateException("cannot process " + record.key());
            }
            store.put(record.key(), record.value());
        }
    }
}

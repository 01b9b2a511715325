package io.eventline.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.kafka.TopicSpec;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.TopologyKit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared sink of the topologies ({@link TopologyKit#sinks}) writes each outcome to the partition of the worker that
 * minted its event's ID, on a real broker whose outcomes topic has more partitions than any test worker ID.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class OutcomeSinkIntegrationTest {
    private static final int PARTITIONS = 6;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
    private KafkaStreams streams;

    @AfterEach
    void stopStreams() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldWriteAnOutcomeToItsWorkersPartitionAndHashOtherKeys(KafkaCluster kafka, TestNames names)
            throws Exception {
        // Given: a step whose outcomes leave through the shared sink, and outcomes topic with 6 partitions
        final String input = names.topic("outcome-sink-input");
        try (TopicProvisioner topics = TopicProvisioner.connect(kafka.bootstrapServers())) {
            topics.ensureTopics(TopicSpec.of(input, 1), TopicSpec.of(OperationTopics.OUTCOMES.name(), PARTITIONS));
        }
        final StreamsBuilder builder = new StreamsBuilder();
        final KStream<String, Object> out = builder.stream(input,
                        Consumed.with(Serdes.String(), serdes.of(OperationOutcome.class)))
                .mapValues(value -> (Object) value, Named.as("test-as-object"));
        new TopologyKit(builder, serdes, "test").sinks(out, "test-")
                .to("outcome", OperationOutcome.class, OperationTopics.OUTCOMES)
                .end();
        streams = new KafkaStreams(builder.build(), streamsConfig(kafka, names.applicationId("outcome-sink")));
        streams.start();

        // When: outcomes of events minted by workers 4 and 11, and of an event whose ID a client chose
        final String run = names.unique("run");
        final String byWorker4 = new SnowflakeIdGenerator(3, 4).nextIdString();
        final String byWorker11 = new SnowflakeIdGenerator(0, 11).nextIdString();
        final String chosen = "client-chosen-" + run;
        try (KafkaProducer<String, OperationOutcome> producer = new KafkaProducer<>(producerConfig(kafka),
                new StringSerializer(), serdes.of(OperationOutcome.class).serializer())) {
            for (String eventId : List.of(byWorker4, byWorker11, chosen)) {
                producer.send(new ProducerRecord<>(input, eventId, Outcomes.pending(eventId, run, Instant.now())))
                        .get();
            }
        }

        // Then: each lands on W % P, the client's key where Kafka's own key hashing puts it
        final Map<String, Integer> partitionByEventId = awaitOutcomes(kafka, run, 3);
        final int partitions = partitionCount(kafka);
        assertThat(partitions).isGreaterThan(4);
        assertThat(partitionByEventId).containsEntry(byWorker4, 4 % partitions)
                .containsEntry(byWorker11, 11 % partitions)
                .containsEntry(chosen, BuiltInPartitioner.partitionForKey(chosen.getBytes(StandardCharsets.UTF_8),
                        partitions));
    }

    private Map<String, Integer> awaitOutcomes(KafkaCluster kafka, String userId, int expected) {
        return OutcomesOnTopic.partitionsOf(kafka.bootstrapServers(), serdes.of(OperationOutcome.class).deserializer(),
                userId, expected, WAIT);
    }

    private static int partitionCount(KafkaCluster kafka) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            return consumer.partitionsFor(OperationTopics.OUTCOMES.name()).size();
        }
    }

    private static Properties streamsConfig(KafkaCluster kafka, String applicationId) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/" + applicationId);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    private static Map<String, Object> producerConfig(KafkaCluster kafka) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }

    private static Map<String, Object> consumerConfig(KafkaCluster kafka) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }
}

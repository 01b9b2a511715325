package io.eventline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.kafka.TopicSpec;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eventline's registry and serde against third-party Node.js clients, kafkajs and
 * {@code @kafkajs/confluent-schema-registry}, run from {@code src/test/node} ({@code mvn verify} installs them
 * there with {@code npm ci} first). The Node.js side registers with the registry's credentials, given as
 * Confluent's clients take them, and is refused without them.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class NodeClientInteropIntegrationTest {
    private static final Path NODE_DIR = Path.of("src", "test", "node");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER_INFO = SchemaRegistryApiTest.USER_INFO;
    private static final Schema REPLY = SchemaBuilder.record("Reply").namespace("io.eventline.interop").fields()
            .requiredString("from")
            .requiredInt("inReplyTo")
            .requiredDouble("score")
            .name("kind").type().enumeration("Kind").symbols("ACK", "NACK").noDefault()
            .name("attributes").type().map().values().stringType().noDefault()
            .endRecord();

    private SchemaRegistryServer registry;
    private Process node;

    @AfterEach
    void stop() {
        if (node != null && node.isAlive()) {
            node.destroyForcibly();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void shouldExchangeWireFormatRecordsWithTheKafkaJsRegistryClient(KafkaCluster kafka, TestNames names,
                                                                    @TempDir Path output) throws Exception {
        // Given a registry, two topics and the Node.js side started
        assertThat(NODE_DIR.resolve("node_modules"))
                .as("Node.js dependencies; run `npm ci` in web/src/test/node (mvn verify does)")
                .isDirectory();
        final String toJava = names.topic("interop.to-java");
        final String fromJava = names.topic("interop.from-java");
        try (TopicProvisioner provisioner = TopicProvisioner.connect(kafka.bootstrapServers())) {
            provisioner.ensureTopics(TopicSpec.of(toJava, 1), TopicSpec.of(fromJava, 1));
        }
        registry = new SchemaRegistryServer(kafka.bootstrapServers(), names.topic("_schemas"), 1, 0, "127.0.0.1",
                USER_INFO);
        registry.start();
        final Path stdout = output.resolve("stdout.txt");
        final Path stderr = output.resolve("stderr.txt");
        final ProcessBuilder nodeProcess = new ProcessBuilder("node", "interop.mjs", kafka.bootstrapServers(),
                registry.url(), toJava, fromJava)
                .directory(NODE_DIR.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        nodeProcess.environment().put("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", USER_INFO);
        node = nodeProcess.start();
        final AvroSerde<GenericContainer> serde = AvroSerde.generic(
                new HttpSchemaRegistryClient(registry.url(), Optional.of(USER_INFO)), false);

        // When Java reads what Node.js registered and produced
        final ConsumerRecord<String, byte[]> fromNode = consumeOne(kafka, toJava, stderr);
        final GenericRecord greeting = (GenericRecord) serde.deserializer().deserialize(toJava, fromNode.value());

        // Then it decodes with Eventline's serde
        assertThat(fromNode.key()).isEqualTo("node");
        assertThat(greeting.getSchema().getFullName()).isEqualTo("io.eventline.interop.Greeting");
        assertThat(greeting.get("from")).hasToString("node");
        assertThat(greeting.get("count")).isEqualTo(42);
        assertThat(greeting.get("ratio")).isEqualTo(0.5);
        assertThat((List<?>) greeting.get("tags")).map(Object::toString).containsExactly("kafkajs", "avsc");
        assertThat(greeting.get("note")).hasToString("héllo");

        // When Java answers with a schema of its own, through Eventline's serde
        final int greetingId = ((fromNode.value()[1] & 0xff) << 24) | ((fromNode.value()[2] & 0xff) << 16)
                | ((fromNode.value()[3] & 0xff) << 8) | (fromNode.value()[4] & 0xff);
        final GenericRecord reply = new GenericData.Record(REPLY);
        reply.put("from", "java");
        reply.put("inReplyTo", greetingId);
        reply.put("score", 1.25);
        reply.put("kind", new GenericData.EnumSymbol(REPLY.getField("kind").schema(), "ACK"));
        reply.put("attributes", Map.of("lang", "java", "serde", "eventline"));
        produce(kafka, fromJava, serde.serializer().serialize(fromJava, reply));

        // Then Node.js decodes it with the schema the registry serves for its ID
        assertThat(node.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("Node.js side finished").isTrue();
        assertThat(node.exitValue()).as("Node.js exit status; stderr:%n%s", read(stderr)).isZero();
        final List<JsonNode> events = events(stdout);
        assertThat(events).extracting(e -> e.path("event").asText())
                .containsExactly("refused without credentials", "produced", "consumed");
        // And its attempt without credentials was refused as unauthorized, before it registered with them
        assertThat(events.get(0).path("status").asInt()).as(events.get(0).toString()).isEqualTo(401);
        assertThat(events.get(1).path("id").asInt()).isEqualTo(greetingId);
        final JsonNode consumed = events.get(2);
        assertThat(consumed.path("schemaId").asInt())
                .isEqualTo(new HttpSchemaRegistryClient(registry.url()).latest(fromJava + "-value").id());
        assertThat(consumed.path("value")).isEqualTo(JSON.readTree("""
                {"from":"java","inReplyTo":%d,"score":1.25,"kind":"ACK",
                 "attributes":{"lang":"java","serde":"eventline"}}""".formatted(greetingId)));
    }

    private ConsumerRecord<String, byte[]> consumeOne(KafkaCluster kafka, String topic, Path stderr)
            throws IOException {
        final Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    return record;
                }
                if (!node.isAlive()) {
                    fail("Node.js exited with %d before producing; stderr:%n%s", node.exitValue(), read(stderr));
                }
            }
        }
        return fail("no record from Node.js on %s within %s; stderr:%n%s", topic, TIMEOUT, read(stderr));
    }

    private static void produce(KafkaCluster kafka, String topic, byte[] value) throws Exception {
        final Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(topic, "java", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<JsonNode> events(Path stdout) throws IOException {
        final List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                events.add(JSON.readTree(line));
            }
        }
        return events;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}

package io.eventline.registry;

import static io.eventline.registry.Schemas.ORDER;
import static io.eventline.registry.Schemas.USER_REQUIRED_AGE;
import static io.eventline.registry.Schemas.USER_V1;
import static io.eventline.registry.Schemas.USER_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import io.eventline.registry.client.CompatibilityLevel;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.registry.client.RegisteredSchema;
import io.eventline.registry.client.SchemaRegistryException;
import io.eventline.serde.AvroSerde;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry on a real Kafka log: restarts, several instances, the topic it creates, the serde over it. */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class SchemaRegistryServerIntegrationTest {
    private static final String USER_INFO = SchemaRegistryApiTest.USER_INFO;
    private final List<SchemaRegistryServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        Collections.reverse(servers);
        servers.forEach(SchemaRegistryServer::close);
    }

    @Test
    void shouldCreateItsLogAsACompactedSinglePartitionTopic(KafkaCluster kafka, TestNames names) throws Exception {
        // Given
        final String topic = names.topic("_schemas");

        // When
        start(kafka, topic);

        // Then
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            final TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            final Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource);
            assertThat(description.partitions()).hasSize(1);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                    .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void shouldKeepIdsVersionsAndLevelsAcrossARestart(KafkaCluster kafka, TestNames names) {
        // Given a registry that registered, refused, configured and deleted, then stopped
        final String topic = names.topic("_schemas");
        final SchemaRegistryServer first = start(kafka, topic);
        final HttpSchemaRegistryClient before = client(first);
        final int v1 = before.register("users-value", parse(USER_V1));
        final int v2 = before.register("users-value", parse(USER_V2));
        assertThatThrownBy(() -> before.register("users-value", parse(USER_REQUIRED_AGE)))
                .isInstanceOf(SchemaRegistryException.class);
        final int order = before.register("orders-value", parse(ORDER));
        before.setCompatibility("orders-value", CompatibilityLevel.FULL);
        before.register("scratch-value", parse(ORDER));
        assertThat(new RawHttp(first.url(), HttpSchemaRegistryClient.basicAuthorization(USER_INFO))
                .delete("/subjects/scratch-value").status()).isEqualTo(200);
        first.close();

        // When a new instance starts on the same log
        final SchemaRegistryServer second = start(kafka, topic);
        final HttpSchemaRegistryClient after = client(second);

        // Then it answers as the first did, and carries on numbering where the first stopped
        assertThat(List.of(v1, v2, order)).containsExactly(1, 2, 3);
        assertThat(after.latest("users-value")).isEqualTo(new RegisteredSchema("users-value", 2, v2, parse(USER_V2)));
        assertThat(after.version("users-value", 1).id()).isEqualTo(v1);
        assertThat(after.schemaById(order)).isEqualTo(parse(ORDER));
        assertThat(after.compatibility("orders-value")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(after.compatibility("users-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(after.subjects()).containsExactly("orders-value", "users-value");
        assertThat(after.register("archive-value", parse(USER_V1))).isEqualTo(v1);
        assertThat(after.register("users-value", parse(USER_V1))).isEqualTo(v1);
        assertThat(after.register("scratch-value", parse(USER_V1))).isEqualTo(v1);
        assertThat(after.versions("scratch-value")).containsExactly(2);
        assertThat(after.register("users-value", evolvedUser(3))).isEqualTo(4);
        assertThat(after.latest("users-value").version()).isEqualTo(3);
    }

    @Test
    void shouldAgreeOnIdsWhenTwoInstancesRegisterAtTheSameTime(KafkaCluster kafka, TestNames names)
            throws Exception {
        // Given two instances on one log
        final String topic = names.topic("_schemas");
        final SchemaRegistryServer a = start(kafka, topic);
        final SchemaRegistryServer b = start(kafka, topic);
        final HttpSchemaRegistryClient clientA = client(a);
        final HttpSchemaRegistryClient clientB = client(b);

        // When both register the same schemas, and schemas of their own under common subjects, concurrently
        final List<Callable<String>> registrations = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            final Schema shared = item("Shared" + i, "text");
            final Schema onlyA = item("Item", "a" + i);
            final Schema onlyB = item("Item", "b" + i);
            final String subject = "topic" + (i % 3) + "-value";
            final String sharedName = "shared" + i;
            final String aName = "a" + i;
            final String bName = "b" + i;
            registrations.add(() -> sharedName + "=" + clientA.register(sharedName + "-value", shared));
            registrations.add(() -> sharedName + "=" + clientB.register(sharedName + "-value", shared));
            registrations.add(() -> aName + "=" + clientA.register(subject, onlyA));
            registrations.add(() -> bName + "=" + clientB.register(subject, onlyB));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        final List<String> answers = new ArrayList<>();
        try {
            for (Future<String> answer : pool.invokeAll(registrations)) {
                answers.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        // Then each shared schema got one ID, whichever instance answered
        for (int i = 0; i < 8; i++) {
            final String prefix = "shared" + i + "=";
            assertThat(answers.stream().filter(s -> s.startsWith(prefix)).distinct()).hasSize(1);
        }
        // and both instances hold the same subjects, versions and IDs
        assertThat(snapshot(client(b)))
                .isEqualTo(snapshot(client(a)))
                .hasSize(8 + 16);
        assertThat(answers.stream().map(s -> Integer.parseInt(s.substring(s.indexOf('=') + 1))).distinct())
                .hasSize(24);
    }

    @Test
    void shouldFindOnOneInstanceWhatWasJustRegisteredOnAnother(KafkaCluster kafka, TestNames names) {
        // Given
        final String topic = names.topic("_schemas");
        final SchemaRegistryServer a = start(kafka, topic);
        final SchemaRegistryServer b = start(kafka, topic);

        for (int i = 0; i < 5; i++) {
            // When
            final Schema schema = item("Fresh", "f" + i);
            final int id = client(a).register("fresh-value", schema);

            // Then
            final HttpSchemaRegistryClient other = client(b);
            assertThat(other.schemaById(id)).isEqualTo(schema);
            assertThat(other.latest("fresh-value").id()).isEqualTo(id);
        }
    }

    @Test
    void shouldRoundTripRecordsWithEventlinesSerde(KafkaCluster kafka, TestNames names) {
        // Given
        final SchemaRegistryServer server = start(kafka, names.topic("_schemas"));
        final AvroSerde<GenericContainer> serde = AvroSerde.generic(client(server), false);
        final GenericRecord user = new GenericData.Record(parse(USER_V2));
        user.put("name", "ada");
        user.put("email", "ada@example.org");

        // When
        final byte[] bytes = serde.serializer().serialize("users", user);
        final GenericContainer read = AvroSerde.generic(client(server), false)
                .deserializer().deserialize("users", bytes);

        // Then
        assertThat(read).isEqualTo(user);
        assertThat(bytes[0]).isZero();
        assertThat(client(server).latest("users-value").id())
                .isEqualTo(((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8)
                        | (bytes[4] & 0xff));
    }

    @Test
    void shouldTakeWritesOnlyWithItsCredentialsAndKeepItsProtectedSubjects(KafkaCluster kafka, TestNames names) {
        // Given a registry with credentials and a protected subject, and clients with and without them
        final SchemaRegistryServer server = start(SchemaRegistryConfig.defaults(kafka.bootstrapServers(), USER_INFO)
                .withTopic(names.topic("_schemas"))
                .withListener("127.0.0.1", 0)
                .withProtectedSubjects(Set.of("users-value")));
        final HttpSchemaRegistryClient owner = client(server);
        final HttpSchemaRegistryClient stranger = new HttpSchemaRegistryClient(server.url());

        // When
        final int id = owner.register("users-value", evolvedUser(1));

        // Then
        assertThat(stranger.latest("users-value").id()).isEqualTo(id);
        assertThatThrownBy(() -> stranger.register("users-value", evolvedUser(2)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(401));
        assertThatThrownBy(() -> owner.setCompatibility("users-value", CompatibilityLevel.NONE))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40901));
        assertThat(owner.versions("users-value")).containsExactly(1);
    }

    private SchemaRegistryServer start(KafkaCluster kafka, String topic) {
        return start(SchemaRegistryConfig.defaults(kafka.bootstrapServers(), USER_INFO).withTopic(topic)
                .withListener("127.0.0.1", 0));
    }

    private SchemaRegistryServer start(SchemaRegistryConfig config) {
        final SchemaRegistryServer server = new SchemaRegistryServer(config);
        servers.add(server);
        server.start();
        return server;
    }

    /** A client with the registry's credentials. */
    private static HttpSchemaRegistryClient client(SchemaRegistryServer server) {
        return new HttpSchemaRegistryClient(server.url(), Optional.of(USER_INFO));
    }

    /** Every subject's versions with their IDs, as "subject/version" to ID. */
    private static Map<String, Integer> snapshot(HttpSchemaRegistryClient client) {
        final Map<String, Integer> snapshot = new TreeMap<>();
        for (String subject : client.subjects()) {
            for (int version : client.versions(subject)) {
                snapshot.put(subject + "/" + version, client.version(subject, version).id());
            }
        }
        return snapshot;
    }

    private static Schema evolvedUser(int version) {
        return SchemaBuilder.record("User").namespace("io.eventline.test").fields()
                .requiredString("name")
                .optionalString("email")
                .name("v" + version).type().intType().intDefault(version)
                .endRecord();
    }

    /** A record with one optional field: any two such records of one name are fully compatible. */
    private static Schema item(String name, String field) {
        return SchemaBuilder.record(name).namespace("io.eventline.test").fields()
                .optionalString(field)
                .endRecord();
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }
}

package io.eventline.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An instance learns the outcomes of its writes from one partition of the outcomes: every domain's topology
 * writes an outcome to the partition of the worker that minted the event's ID, the instance's listeners read that
 * partition alone, and {@code GET /api/v1/operations/{eventId}} finds the outcome where it was written.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class OutcomeRoutingTest {
    /** Far above the workers the other tests' instances take in turn, so no lease is contested. */
    private static final int WORKER_ID = 29;
    private static final int OWN_PARTITION = WORKER_ID % PlatformFixture.TOPIC_PARTITIONS;
    private static final Pattern PARTITION_GAUGE = Pattern.compile(
            "eventline_replies_partition\\{([^}]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static PlatformFixture platform;
    private static String bootstrapServers;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        bootstrapServers = kafka.bootstrapServers();
        // a long wait, so every write below is answered with its outcome rather than 202
        platform = PlatformFixture.start(bootstrapServers, Map.of("EVENTLINE_WORKER_ID", Integer.toString(WORKER_ID),
                "EVENTLINE_AWAIT_TIMEOUT_MS", "20000"));
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldReadOnlyTheWorkersPartitionOfTheOutcomes() throws Exception {
        // When: the instance's listeners are asked which partitions they read
        final String metrics = platform.metrics().body();

        // Then: both (the outcomes, and the committed outcomes of chat) read the worker's partition and no other
        final Map<String, Set<String>> partitionsByListener = new HashMap<>();
        final Matcher gauge = PARTITION_GAUGE.matcher(metrics);
        while (gauge.find()) {
            final String tags = gauge.group(1);
            if (tags.contains("topic=\"" + OperationTopics.OUTCOMES.name() + "\"")) {
                partitionsByListener.computeIfAbsent(tag(tags, "listener"), unused -> new TreeSet<>())
                        .add(tag(tags, "partition"));
            }
        }
        assertThat(partitionsByListener).hasSize(2).allSatisfy((listener, partitions) ->
                assertThat(partitions).as(listener).containsExactly(Integer.toString(OWN_PARTITION)));
    }

    @Test
    void shouldAnswerEveryDomainsWriteFromTheWorkersPartition() throws Exception {
        // Given: one user, new to the platform
        final String user = "outcomes-" + UUID.randomUUID().toString().substring(0, 8);
        final String token = platform.token(user);

        // When: the user writes in each domain: links, a post, a contact point and a chat channel
        final List<HttpResponse<String>> answers = new ArrayList<>();
        // enough writes that, with near certainty, Kafka's key hashing would have put some elsewhere
        for (int i = 0; i < 4; i++) {
            answers.add(platform.post("/api/v1/urls", token,
                    "{\"url\":\"https://example.com/outcomes/" + user + "/" + i + "\"}"));
        }
        answers.addAll(List.of(
                platform.post("/api/v1/posts", token, "{\"text\":\"outcomes\"}"),
                platform.put("/api/v1/me/contact", token, "{\"email\":\"" + user + "@example.com\"}"),
                platform.post("/api/v1/channels", token, JSON.createObjectNode().put("type", "direct")
                        .set("members", JSON.createArrayNode().add(user + "-friend")).toString())));

        // Then: each is answered with its outcome, which the listener of this worker's partition learnt
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.uri() + ": " + answer.body()).isIn(200, 201);
        }
        // and every outcome of the user's writes lies on that partition
        final Map<String, Integer> partitionByEventId = outcomesOf(user, answers.size());
        assertThat(partitionByEventId).hasSize(answers.size())
                .allSatisfy((eventId, partition) -> assertThat(partition).as(eventId).isEqualTo(OWN_PARTITION));
        // and each is found by its operation, also those whose key Kafka's hashing would have put elsewhere
        assertThat(partitionByEventId.keySet()).anySatisfy(eventId -> assertThat(BuiltInPartitioner.partitionForKey(
                eventId.getBytes(StandardCharsets.UTF_8), PlatformFixture.TOPIC_PARTITIONS)).isNotEqualTo(
                OWN_PARTITION));
        for (String eventId : partitionByEventId.keySet()) {
            final HttpResponse<String> operation = platform.get(WriteGateway.OPERATIONS_PATH + eventId, token);
            assertThat(operation.statusCode()).as(eventId + ": " + operation.body()).isEqualTo(200);
            assertThat(JSON.readTree(operation.body()).get("status").asText()).isEqualTo("accepted");
        }
    }

    /** The partition of each outcome of {@code userId}'s writes, read from every partition of the outcomes. */
    private static Map<String, Integer> outcomesOf(String userId, int expected) {
        final AvroSerde<OperationOutcome> serde = AvroSerde.forValue(new HttpSchemaRegistryClient(
                platform.registryUrl(), Optional.of(PlatformFixture.REGISTRY_USER_INFO)), OperationOutcome.class);
        return OutcomesOnTopic.partitionsOf(bootstrapServers, serde.deserializer(), userId, expected, WAIT);
    }

    private static String tag(String tags, String name) {
        final Matcher value = Pattern.compile(name + "=\"([^\"]*)\"").matcher(tags);
        assertThat(value.find()).as(name + " in " + tags).isTrue();
        return value.group(1);
    }
}

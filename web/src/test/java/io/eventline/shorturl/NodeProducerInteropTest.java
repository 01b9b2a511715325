package io.eventline.shorturl;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationStatus;
import io.eventline.operations.OperationTopics;
import io.eventline.platform.PlatformFixture;
import io.eventline.registry.SchemaRegistryServer;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party Node.js service (kafkajs and {@code @kafkajs/confluent-schema-registry}, run from
 * {@code src/test/node/shorturl-interop.mjs}) asks a running Eventline for a short link over Kafka alone, and
 * reads what Eventline made of it the same way. Both use a registry of their own that takes writes only with
 * credentials, as a Confluent deployment would.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class NodeProducerInteropTest {
    private static final Path NODE_DIR = Path.of("src", "test", "node");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGISTRY_USER_INFO = "shared-registry:another-password-9876543210";

    private SchemaRegistryServer registry;
    private PlatformFixture platform;
    private Process node;

    @AfterEach
    void stop() throws IOException {
        if (node != null && node.isAlive()) {
            node.destroyForcibly();
        }
        if (platform != null) {
            platform.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void shouldRedirectToALinkRequestedByAKafkaJsServiceAndLetItDecodeTheLinkAndOutcome(KafkaCluster kafka,
                                                                                       TestNames names,
                                                                                       @TempDir Path output)
            throws Exception {
        // Given Eventline running against an external schema registry that takes writes only with credentials
        assertThat(NODE_DIR.resolve("node_modules"))
                .as("Node.js dependencies; run `npm ci` in web/src/test/node (mvn verify does)")
                .isDirectory();
        registry = new SchemaRegistryServer(kafka.bootstrapServers(), names.topic("_schemas"), 1, 0, "127.0.0.1",
                REGISTRY_USER_INFO);
        registry.start();
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of("SCHEMA_REGISTRY_URL", registry.url(),
                "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", REGISTRY_USER_INFO));
        final String unique = UUID.randomUUID().toString().substring(0, 8);
        final String userId = "node-service-" + unique;
        final String alias = "node-" + unique;
        final String url = "https://example.com/from-node/" + unique;
        final Path stdout = output.resolve("stdout.txt");
        final Path stderr = output.resolve("stderr.txt");

        // When the Node.js service requests a link with a custom alias over Kafka
        final ProcessBuilder service = new ProcessBuilder("node", "shorturl-interop.mjs", kafka.bootstrapServers(),
                platform.registryUrl(), ShortUrlTopics.REQUESTS.name(), ShortUrlTopics.LINKS.name(),
                OperationTopics.OUTCOMES.name(), userId, alias, url)
                .directory(NODE_DIR.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        // it registers its own copy of the request schema, a write: it takes the registry's credentials
        service.environment().put("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", REGISTRY_USER_INFO);
        node = service.start();
        final HttpResponse<String> redirect = awaitRedirect("/" + alias, stderr);

        // Then Eventline processed it: the alias redirects over HTTP
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).contains(url);
        // And registered the schemas of what it wrote in the external registry, with its credentials (the outcome
        // is written just after the link the redirect reads, so its schema may come a moment later)
        final List<String> expected = List.of(ShortUrlTopics.LINKS.name() + "-value",
                OperationTopics.OUTCOMES.name() + "-value");
        final List<String> subjects = eventually(TIMEOUT, Duration.ofMillis(100),
                () -> new HttpSchemaRegistryClient(registry.url()).subjects(), seen -> seen.containsAll(expected));
        assertThat(subjects).containsAll(expected);

        // And the request went where Eventline's own producers would have put it
        assertThat(node.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("Node.js side finished").isTrue();
        assertThat(node.exitValue()).as("Node.js exit status; stderr:%n%s", read(stderr)).isZero();
        final List<JsonNode> events = events(stdout);
        assertThat(events).extracting(e -> e.path("event").asText() + " " + e.path("topic").asText())
                .containsExactly("produced " + ShortUrlTopics.REQUESTS.name(),
                        "consumed " + ShortUrlTopics.LINKS.name(),
                        "consumed " + OperationTopics.OUTCOMES.name());
        final JsonNode produced = events.get(0);
        final String eventId = produced.at("/value/eventId").asText();
        final Instant requestedAt = Instant.parse(produced.at("/value/timestamp").asText());
        assertThat(eventId).isNotBlank();
        assertThat(produced.path("key").asText()).isEqualTo(userId);
        assertThat(produced.path("partition").asInt())
                .as("partition of key %s", userId)
                .isEqualTo(partitionForKey(kafka, ShortUrlTopics.REQUESTS.name(), userId));
        final HttpSchemaRegistryClient schemas = new HttpSchemaRegistryClient(platform.registryUrl());
        assertThat(schemas.schemaById(produced.path("schemaId").asInt()).getFullName())
                .isEqualTo(ShortUrlRequested.getClassSchema().getFullName());

        // And the Node.js service decoded the link Eventline wrote for the alias
        final JsonNode link = events.get(1);
        assertThat(link.path("key").asText()).isEqualTo(alias);
        assertThat(schemas.schemaById(link.path("schemaId").asInt()).getFullName())
                .isEqualTo(LinkCreated.getClassSchema().getFullName());
        assertThat(link.at("/value/eventId").asText()).isEqualTo(eventId);
        assertThat(link.at("/value/code").asText()).isEqualTo(alias);
        assertThat(link.at("/value/url").asText()).isEqualTo(url);
        assertThat(link.at("/value/redirect").asInt()).isEqualTo(302);
        assertThat(link.at("/value/ownerId").asText()).isEqualTo(userId);
        assertThat(Instant.parse(link.at("/value/timestamp").asText())).isEqualTo(requestedAt);

        // And the outcome Eventline wrote for the request's event ID
        final JsonNode outcome = events.get(2);
        assertThat(outcome.path("key").asText()).isEqualTo(eventId);
        assertThat(schemas.schemaById(outcome.path("schemaId").asInt()).getFullName())
                .isEqualTo(OperationOutcome.getClassSchema().getFullName());
        assertThat(outcome.at("/value/eventId").asText()).isEqualTo(eventId);
        assertThat(outcome.at("/value/userId").asText()).isEqualTo(userId);
        assertThat(outcome.at("/value/status").asText()).isEqualTo(OperationStatus.ACCEPTED.name());
        assertThat(outcome.at("/value/httpStatus").asInt()).isEqualTo(201);
        assertThat(outcome.at("/value/problem").isNull()).isTrue();
        final JsonNode result = JSON.readTree(outcome.at("/value/resultJson").asText());
        assertThat(result.path("code").asText()).isEqualTo(alias);
        assertThat(result.path("url").asText()).isEqualTo(url);
        assertThat(Instant.parse(result.path("createdAt").asText())).isEqualTo(requestedAt);
    }

    /** Follows {@code path} until it redirects; 404 and 503 only mean the link is not there yet. */
    private HttpResponse<String> awaitRedirect(String path, Path stderr) throws Exception {
        final HttpResponse<String> response = eventually(TIMEOUT, Duration.ofMillis(200), () -> {
            final HttpResponse<String> answer = platform.get(path, null);
            if (isNotThereYet(answer) && !node.isAlive() && node.exitValue() != 0) {
                fail("Node.js exited with %d; stderr:%n%s", node.exitValue(), read(stderr));
            }
            return answer;
        }, answer -> !isNotThereYet(answer));
        if (!isNotThereYet(response)) {
            return response;
        }
        return fail("GET %s still answers %d after %s; Node.js stderr:%n%s", path, response.statusCode(), TIMEOUT,
                read(stderr));
    }

    private static boolean isNotThereYet(HttpResponse<String> response) {
        return response.statusCode() == 404 || response.statusCode() == 503;
    }

    /** The partition Kafka's Java producer, and so Eventline's, picks for {@code key}. */
    private static int partitionForKey(KafkaCluster kafka, String topic, String key) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            final int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
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

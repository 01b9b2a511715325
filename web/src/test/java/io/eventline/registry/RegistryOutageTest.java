package io.eventline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.clients.EventProducer;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.notify.NotificationRequested;
import io.eventline.notify.NotifyTopics;
import io.eventline.platform.PlatformFixture;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.eventline.streams.StreamsSettings;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The schema registry goes away while a service writes records whose schema the instance has not read yet: the
 * records wait for the registry instead of being taken for unreadable, and once it is back every one of them is
 * processed; none is dead-lettered.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class RegistryOutageTest {
    private static final int REQUESTS = 20;
    private static final Duration OUTAGE = Duration.ofSeconds(4);

    @Test
    void shouldHoldRecordsThroughARegistryOutageAndDeadLetterNone(KafkaCluster kafka) throws Exception {
        // Given: an instance that uses a registry of its own, and a service that registered its schema before
        final int registryPort = PlatformFixture.freePort();
        final SchemaRegistryConfig registryConfig = SchemaRegistryConfig.defaults(kafka.bootstrapServers(),
                PlatformFixture.REGISTRY_USER_INFO).withListener("127.0.0.1", registryPort);
        SchemaRegistryServer registry = new SchemaRegistryServer(registryConfig);
        registry.start();
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final HttpSchemaRegistryClient serviceRegistry = new HttpSchemaRegistryClient(registry.url(),
                Optional.of(PlatformFixture.REGISTRY_USER_INFO));
        try (PlatformFixture platform = PlatformFixture.start(kafka.bootstrapServers(),
                Map.of("SCHEMA_REGISTRY_URL", registry.url()));
             EventProducer service = new EventProducer(kafka.bootstrapServers(), "outage-test-" + run,
                     serviceRegistry)) {
            final String template = "outage-" + run;
            final HttpResponse<String> put = platform.put("/api/v1/admin/templates/" + template,
                    platform.token("ops", "admin"), "{\"inapp\":{\"title\":\"Hi\",\"body\":\"Hello {{name}}\"}}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
            // the service knows its schema's ID; the instance has read no record of it yet
            serviceRegistry.register(AvroSerde.subject(NotifyTopics.REQUESTS.name(), false),
                    NotificationRequested.getClassSchema());
            final String eventId = "outage-" + run;

            // When: the registry stops, the service goes on writing, and the registry comes back
            registry.close();
            final List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                sent.add(service.send(NotifyTopics.REQUESTS, request(run, "user-" + i, template)));
            }
            for (CompletableFuture<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
            Thread.sleep(OUTAGE.toMillis());
            registry = new SchemaRegistryServer(registryConfig);
            registry.start();

            // Then: every recipient got the notification, and none of the requests is a dead letter
            final JsonNode status = platform.awaitJson("/api/v1/notifications/" + eventId,
                    platform.token("outage-service", "admin"),
                    answer -> answer.get("deliveries").size() == REQUESTS, Duration.ofSeconds(90));
            status.get("deliveries").forEach(delivery ->
                    assertThat(delivery.get("status").asText()).as(delivery.toString()).isEqualTo("sent"));
        } finally {
            registry.close();
        }
        assertThat(deadLettersFrom(kafka, NotifyTopics.REQUESTS.name(), run)).isEmpty();
    }

    private static NotificationRequested request(String run, String user, String template) {
        return NotificationRequested.newBuilder().setEventId("outage-" + run).setUserId(user + "-" + run)
                .setTemplate(template).setParams(Map.of("name", user)).setChannels(null)
                .setCreatedAt(Instant.now()).setRequestedBy("outage-service").build();
    }

    /** Dead letters that came from {@code topic} and carry {@code run} in their key. */
    private static List<String> deadLettersFrom(KafkaCluster kafka, String topic, String run) {
        final Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "outage-dead-letters-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final List<String> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(StreamsSettings.DEAD_LETTER_TOPIC));
            final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    final Header source = record.headers().lastHeader("__streams.errors.topic");
                    final String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    if (source != null && topic.equals(new String(source.value(), StandardCharsets.UTF_8))
                            && key.contains(run)) {
                        found.add(key);
                    }
                }
            }
        }
        return found;
    }
}

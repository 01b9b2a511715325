package io.eventline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.clients.EventProducer;
import io.eventline.kafka.EmbeddedKafkaBroker;
import io.eventline.platform.PlatformFixture;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One notification eventId fanned out to thousands of users, on a broker of its own: every instance that a later
 * test starts on the shared test broker would otherwise read all these records again.
 */
@Tag("integration")
class NotifyFanOutTest {
    @TempDir
    static Path brokerDir;
    private static EmbeddedKafkaBroker broker;
    private static PlatformFixture platform;

    @BeforeAll
    static void startPlatform() throws Exception {
        broker = new EmbeddedKafkaBroker(brokerDir, 0).start();
        platform = PlatformFixture.start(broker.bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldKeepTheStatusOfAFanOutTo4000RecipientsUnderOneEventIdAndStayReady() throws Exception {
        // Given: a template of every channel, and a service that produces one request per recipient under one
        // eventId: four deliveries each, which in one status record passed the broker's 1 MB limit
        final String template = "broadcast";
        final HttpResponse<String> put = platform.put("/api/v1/admin/templates/" + template,
                platform.token("ops", "admin"), NotifyApiTest.everyChannelTemplate());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        final String eventId = "broadcast-1";
        final String run = "fan";
        final List<Integer> readiness = new CopyOnWriteArrayList<>();
        final Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    readiness.add(platform.get("/ready", null).statusCode());
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    readiness.add(-1);
                }
            }
        });
        watcher.start();
        try (EventProducer producer = new EventProducer(broker.bootstrapServers(), "fan-out-test",
                new HttpSchemaRegistryClient(platform.registryUrl(),
                        Optional.of(PlatformFixture.REGISTRY_USER_INFO)))) {
            // When
            final List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < 4_000; i++) {
                sent.add(producer.send(NotifyTopics.REQUESTS, NotificationRequested.newBuilder().setEventId(eventId)
                        .setUserId("fan-" + run + "-" + i).setTemplate(template).setParams(Map.of("name", "you", "order", "1"))
                        .setChannels(null).setCreatedAt(Instant.now()).setRequestedBy("billing").build()));
            }
            for (CompletableFuture<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }

            // Then: the requester sees all 16,000 deliveries, and the instance stayed ready throughout
            final JsonNode status = platform.awaitJson("/api/v1/notifications/" + eventId,
                    platform.token("billing", "service"),
                    answer -> answer.get("deliveries").size() == 16_000, Duration.ofSeconds(90));
            assertThat(NotifyApiTest.statuses(status)).containsOnly("inapp:sent", "push:skipped(no_device)",
                    "email:skipped(no_contact)", "sms:skipped(no_contact)");
        } finally {
            watcher.interrupt();
            watcher.join();
        }
        assertThat(readiness).isNotEmpty().containsOnly(200);
    }
}

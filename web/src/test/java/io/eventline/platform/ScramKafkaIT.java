package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.shorturl.ShortUrlTopics;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An instance joins an external single-broker Kafka cluster that requires SASL/SCRAM and ACLs, with the
 * credentials in the file named by {@code EVENTLINE_KAFKA_PROPERTIES_FILE} and {@code EVENTLINE_DURABILITY=fsync}.
 */
@Tag("integration")
class ScramKafkaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "eventline";
    private static final String PASSWORD = "eventline-" + UUID.randomUUID();

    @TempDir
    static Path dir;

    private static ScramKafkaBroker broker;
    private static PlatformFixture platform;
    /** Everything logged while the instance started, Kafka's client configurations included. */
    private static final ListAppender<ILoggingEvent> STARTUP_LOGS = new ListAppender<>();

    @BeforeAll
    static void startBrokerAndInstance() throws Exception {
        broker = ScramKafkaBroker.start(dir, Map.of(USER, PASSWORD));
        broker.allowApplication(USER);
        captureLogs();
        try {
            platform = PlatformFixture.start(broker.bootstrapServers(), Map.of(
                    "EVENTLINE_KAFKA_PROPERTIES_FILE", propertiesFile("kafka.properties", PASSWORD).toString(),
                    "EVENTLINE_DURABILITY", "fsync"));
        } finally {
            releaseLogs();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldServeAWriteAndARead() throws Exception {
        // when
        final HttpResponse<String> created = platform.post("/api/v1/urls", platform.token("alice"),
                "{\"url\":\"https://example.com/scram/" + UUID.randomUUID() + "\"}");
        final JsonNode link = JSON.readTree(created.body());
        final HttpResponse<String> redirect = platform.get("/" + link.path("code").asText(), null);

        // then
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).contains(link.get("url").asText());
    }

    @Test
    void shouldNeverLogThePassword() {
        // given what the instance logged while it started, with Kafka's loggers at INFO
        final String logged = STARTUP_LOGS.list.stream().map(ScramKafkaIT::render)
                .collect(Collectors.joining("\n"));

        // then Kafka printed its client configurations, with the JAAS configuration hidden
        assertThat(logged).contains("sasl.jaas.config = [hidden]").doesNotContain(PASSWORD);
    }

    @Test
    void shouldGiveTopicsOneReplicaAndNoInSyncMinimumOnOneBrokerAndFlushEachRecord() throws Exception {
        // given
        final String topic = ShortUrlTopics.REQUESTS.name();
        try (Admin admin = broker.admin()) {
            final String changelog = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.endsWith("-changelog")).findFirst().orElseThrow();

            // when
            final TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            final Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    new ConfigResource(ConfigResource.Type.TOPIC, changelog))).all().get(30, TimeUnit.SECONDS);

            // then
            assertThat(description.partitions()).allSatisfy(partition ->
                    assertThat(partition.replicas()).hasSize(1));
            for (Config config : configs.values()) {
                assertThat(config.get("min.insync.replicas").source())
                        .isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
                assertThat(config.get("flush.messages").value()).isEqualTo("1");
                assertThat(config.get("flush.messages").source())
                        .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
        }
    }

    @Test
    void shouldRefuseToStartWithAWrongPasswordSayingWhy() throws Exception {
        // given
        final Path properties = propertiesFile("wrong.properties", "not-" + PASSWORD);

        // when / then
        assertThatThrownBy(() -> PlatformFixture.start(broker.bootstrapServers(),
                Map.of("EVENTLINE_KAFKA_PROPERTIES_FILE", properties.toString())))
                .hasMessageContaining("EVENTLINE_KAFKA_PROPERTIES_FILE")
                .hasMessageContaining(broker.bootstrapServers())
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .rootCause().hasMessageContaining("invalid credentials");
    }

    private static Path propertiesFile(String name, String password) throws Exception {
        final Properties properties = new Properties();
        properties.putAll(ScramKafkaBroker.clientProperties(USER, password));
        final Path file = dir.resolve(name);
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, "Eventline's Kafka client settings");
        }
        return file;
    }

    private static void captureLogs() {
        STARTUP_LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(STARTUP_LOGS);
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.INFO);
    }

    private static void releaseLogs() {
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(STARTUP_LOGS);
        STARTUP_LOGS.stop();
    }

    private static String render(ILoggingEvent event) {
        return event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }
}

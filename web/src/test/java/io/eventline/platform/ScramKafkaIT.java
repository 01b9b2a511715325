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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An instance joins an external Kafka cluster that requires SASL/SCRAM and ACLs, with the credentials in the
 * file named by {@code EVENTLINE_KAFKA_PROPERTIES_FILE}.
 */
@Tag("integration")
class ScramKafkaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "eventline";
    private static final String PASSWORD = "eventline-" + UUID.randomUUID();

    @TempDir
    static Path dir;

    private static ScramKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = ScramKafkaBroker.start(dir, Map.of(USER, PASSWORD));
        broker.allowApplication(USER);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldServeAWriteAndARead() throws Exception {
        // given Kafka's own loggers at INFO, where clients print their whole configuration
        final ListAppender<ILoggingEvent> logs = captureLogs();
        final Path properties = propertiesFile("kafka.properties", PASSWORD);

        // when an instance starts with the broker's address and the properties file
        try (PlatformFixture platform = PlatformFixture.start(broker.bootstrapServers(),
                Map.of("EVENTLINE_KAFKA_PROPERTIES_FILE", properties.toString()))) {
            final HttpResponse<String> created = platform.post("/api/v1/urls", platform.token("alice"),
                    "{\"url\":\"https://example.com/scram/" + UUID.randomUUID() + "\"}");
            final JsonNode link = JSON.readTree(created.body());
            final HttpResponse<String> redirect = platform.get("/" + link.path("code").asText(), null);

            // then it was ready, took the write and serves it back
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location")).contains(link.get("url").asText());
        } finally {
            releaseLogs(logs);
        }
        // and no log line shows the password
        assertThat(logs.list).as("log lines captured").isNotEmpty();
        final String logged = logs.list.stream().map(ScramKafkaIT::render).collect(Collectors.joining("\n"));
        assertThat(logged).contains("sasl.jaas.config").doesNotContain(PASSWORD);
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

    private static ListAppender<ILoggingEvent> captureLogs() {
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.INFO);
        return appender;
    }

    private static void releaseLogs(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
        appender.stop();
    }

    private static String render(ILoggingEvent event) {
        return event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }
}

package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.streams.StreamsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventlineConfigTest {

    @Test
    void shouldUseTheEcosystemPortsAndEmbeddedModeByDefault() {
        final EventlineConfig config = EventlineConfig.load(Map.of());

        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.kafkaPort()).isEqualTo(9092);
        assertThat(config.registryPort()).isEqualTo(8081);
        assertThat(config.topicPartitions()).isEqualTo(6);
        assertThat(config.embeddedKafka()).isTrue();
        assertThat(config.embeddedRegistry()).isTrue();
        assertThat(config.publicUrl()).isEqualTo("http://localhost:8080");
        assertThat(config.advertisedUrl()).isEqualTo("http://localhost:8080");
        assertThat(config.socketUrl()).isEqualTo("ws://localhost:8080/ws");
        assertThat(config.streamsStateDir()).isEqualTo(Path.of("./data/streams/eventline-1"));
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.httpLoopbackOnly()).isFalse();
        assertThat(config.metricsToken()).isEmpty();
    }

    @Test
    void shouldFetchOnlyPublicAddressesPolitelyByDefault() {
        // When
        final var crawler = EventlineConfig.load(Map.of()).crawler();

        // Then
        assertThat(crawler.parts().allow()).isEmpty();
        assertThat(crawler.parts().maxCrawlDelay()).hasSeconds(30);
        assertThat(crawler.shareByAddress()).isTrue();
        assertThat(crawler.workers()).isEqualTo(16);
    }

    @Test
    void shouldReadTheCrawlersAllowListAndHostMappingsAndRefuseBadOnes() {
        // When
        final var crawler = EventlineConfig.load(Map.of("EVENTLINE_CRAWLER_ALLOW", "127.0.0.0/8",
                "EVENTLINE_CRAWLER_HOSTS", "a.test=127.0.1.1,b.test=127.0.1.2",
                "EVENTLINE_CRAWLER_SHARE_BY_ADDRESS", "false", "EVENTLINE_CRAWLER_WORKERS", "4")).crawler();

        // Then
        assertThat(crawler.parts().allow()).isEqualTo("127.0.0.0/8");
        assertThat(crawler.hostMappings()).contains("a.test=127.0.1.1");
        assertThat(crawler.shareByAddress()).isFalse();
        assertThat(crawler.workers()).isEqualTo(4);
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_CRAWLER_ALLOW", "not-a-range")))
                .hasMessageContaining("EVENTLINE_CRAWLER_ALLOW");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_CRAWLER_HOSTS", "a.test")))
                .hasMessageContaining("EVENTLINE_CRAWLER_HOSTS");
    }

    @Test
    void shouldTellWhetherTheWebServerListensOnLoopbackOnly() {
        assertThat(EventlineConfig.load(Map.of("EVENTLINE_HTTP_HOST", "127.0.0.1")).httpLoopbackOnly()).isTrue();
        assertThat(EventlineConfig.load(Map.of("EVENTLINE_HTTP_HOST", "::1")).httpLoopbackOnly()).isTrue();
        assertThat(EventlineConfig.load(Map.of("EVENTLINE_HTTP_HOST", "localhost")).httpLoopbackOnly()).isTrue();
        assertThat(EventlineConfig.load(Map.of("EVENTLINE_HTTP_HOST", "10.1.2.3")).httpLoopbackOnly()).isFalse();
        assertThat(EventlineConfig.load(Map.of("EVENTLINE_HTTP_HOST", "::")).httpLoopbackOnly()).isFalse();
    }

    @Test
    void shouldTakeAMetricsTokenLongEnoughNotToBeGuessed() {
        final String token = "0123456789abcdef0123456789abcdef";

        assertThat(EventlineConfig.load(Map.of("EVENTLINE_METRICS_TOKEN", token)).metricsToken()).contains(token);
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_METRICS_TOKEN", "short")))
                .hasMessageContaining("EVENTLINE_METRICS_TOKEN").hasMessageNotContaining("short");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_METRICS_TOKEN", token + " " + token)))
                .hasMessageContaining("EVENTLINE_METRICS_TOKEN");
    }

    @Test
    void shouldLetTheFileOverrideDefaultsAndTheEnvironmentOverrideTheFile(@TempDir Path dir) throws Exception {
        final Path file = dir.resolve("eventline.properties");
        Files.writeString(file, "EVENTLINE_HTTP_PORT=9000\nEVENTLINE_TOPIC_PARTITIONS=12\n");

        final EventlineConfig config = EventlineConfig.load(Map.of(
                "EVENTLINE_CONFIG_FILE", file.toString(),
                "EVENTLINE_TOPIC_PARTITIONS", "3",
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "EVENTLINE_PUBLIC_URL", "https://sho.rt/"));

        assertThat(config.httpPort()).isEqualTo(9000);
        assertThat(config.topicPartitions()).isEqualTo(3);
        assertThat(config.embeddedKafka()).isFalse();
        assertThat(config.kafkaBootstrapServers()).contains("kafka:9092");
        assertThat(config.publicUrl()).isEqualTo("https://sho.rt");
        assertThat(config.advertisedUrl()).isEqualTo("http://localhost:9000");
    }

    @Test
    void shouldDeriveTheSocketUrlFromTheAdvertisedOneUnlessItIsSet() {
        // Given an instance advertised over https, with and without a socket URL of its own
        final Map<String, String> advertised = Map.of("EVENTLINE_ADVERTISED_URL", "https://node-1.internal:8443/");

        // Then the socket URL follows the advertised one, or is the one set, as given
        assertThat(EventlineConfig.load(advertised).socketUrl()).isEqualTo("wss://node-1.internal:8443/ws");
        final Map<String, String> set = new HashMap<>(advertised);
        set.put("EVENTLINE_SOCKET_URL", "wss://chat.example.com/ws");
        assertThat(EventlineConfig.load(set).socketUrl()).isEqualTo("wss://chat.example.com/ws");
        set.put("EVENTLINE_SOCKET_URL", "https://chat.example.com");
        assertThat(EventlineConfig.load(set).socketUrl()).isEqualTo("wss://chat.example.com/ws");

        // And a URL that is not a socket's is refused, naming the setting
        set.put("EVENTLINE_SOCKET_URL", "ftp://chat.example.com");
        assertThatThrownBy(() -> EventlineConfig.load(set)).isInstanceOf(EventlineConfig.ConfigException.class)
                .hasMessageContaining("EVENTLINE_SOCKET_URL");
    }

    @Test
    void shouldTuneTheExactlyOnceApplicationsCommitsAndThreads() {
        final Properties defaults = StreamsSettings.notifications(EventlineConfig.load(Map.of()), "kafka:9092");
        assertThat(defaults).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);

        final Properties tuned = StreamsSettings.notifications(EventlineConfig.load(Map.of(
                "EVENTLINE_EXACTLY_ONCE_COMMIT_INTERVAL", "PT0.05S", "EVENTLINE_EXACTLY_ONCE_THREADS", "3")),
                "kafka:9092");
        assertThat(tuned).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50L)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3);
        assertThat(StreamsSettings.of(EventlineConfig.load(Map.of("EVENTLINE_EXACTLY_ONCE_THREADS", "3")),
                "kafka:9092")).as("the other application keeps its own")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);

        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_EXACTLY_ONCE_THREADS", "0")))
                .hasMessageContaining("EVENTLINE_EXACTLY_ONCE_THREADS");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_EXACTLY_ONCE_COMMIT_INTERVAL", "100")))
                .hasMessageContaining("EVENTLINE_EXACTLY_ONCE_COMMIT_INTERVAL");
    }

    @Test
    void shouldRejectOutOfRangeAndMalformedSettingsByName() {
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_WORKER_ID", "32")))
                .hasMessageContaining("EVENTLINE_WORKER_ID");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_HTTP_PORT", "eighty")))
                .hasMessageContaining("EVENTLINE_HTTP_PORT");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_INSTANCE_ID", "a/b")))
                .hasMessageContaining("EVENTLINE_INSTANCE_ID");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_CHAT_SOCKET_OUTBOX_BYTES", "65536")))
                .hasMessageContaining("EVENTLINE_CHAT_SOCKET_OUTBOX_BYTES").hasMessageContaining("at least");
    }

    @Test
    void shouldCapWhatASocketsOutboxHoldsWithADefaultThatAnOperatorCanRaise() {
        assertThat(EventlineConfig.load(Map.of()).chat().socketOutboxBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(EventlineConfig.load(Map.of("EVENTLINE_CHAT_SOCKET_OUTBOX_BYTES", "16777216")).chat()
                .socketOutboxBytes()).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void shouldRejectUnknownNamesInTheFile(@TempDir Path dir) throws Exception {
        final Path file = dir.resolve("eventline.properties");
        Files.writeString(file, "EVENTLINE_HTTP_PROT=9000\n");

        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_CONFIG_FILE", file.toString())))
                .hasMessageContaining("EVENTLINE_HTTP_PROT");
    }

    @Test
    void shouldBindTheRegistryToLoopbackOnlyWhileTheBrokerIsEmbedded() {
        // When
        final RegistrySettings embedded = EventlineConfig.load(Map.of()).registry();
        final RegistrySettings joined = EventlineConfig.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"))
                .registry();
        final RegistrySettings chosen = EventlineConfig.load(Map.of("EVENTLINE_REGISTRY_HOST", "0.0.0.0")).registry();

        // Then
        assertThat(embedded.host()).isEqualTo("127.0.0.1");
        assertThat(joined.host()).isEqualTo("0.0.0.0");
        assertThat(chosen.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void shouldTakeRegistryCredentialsForTheEmbeddedRegistryAndForAnExternalOne() {
        // When
        final RegistrySettings unset = EventlineConfig.load(Map.of()).registry();
        final RegistrySettings set = EventlineConfig.load(Map.of(
                "EVENTLINE_REGISTRY_USER_INFO", "admin:s3cret:with-colon",
                "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "client:other")).registry();

        // Then
        assertThat(unset.userInfo()).isEmpty();
        assertThat(unset.clientUserInfo()).isEmpty();
        assertThat(set.userInfo()).contains("admin:s3cret:with-colon");
        assertThat(set.clientUserInfo()).contains("client:other");
        assertThat(set.toString()).doesNotContain("s3cret", "other");
    }

    @Test
    void shouldPrintEverySettingButNoSecret() {
        // Given every secret a configuration can hold
        final Map<String, String> secrets = Map.of(
                "EVENTLINE_JWT_SECRET", "jwt-secret-value-0123456789abcdef0123",
                "EVENTLINE_METRICS_TOKEN", "metrics-token-value-0123456789abcdef",
                "EVENTLINE_REGISTRY_USER_INFO", "writer:registry-password-value",
                "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "reader:client-password-value",
                "SCHEMA_REGISTRY_URL", "https://urluser:url-password-value@registry.example.com",
                "EVENTLINE_SMTP_PASSWORD", "smtp-password-value",
                "EVENTLINE_SMS_AUTH_TOKEN", "sms-auth-token-value");

        // When
        final EventlineConfig config = EventlineConfig.load(secrets);
        final String printed = config.toString();

        // Then the settings show, their secrets do not
        assertThat(printed).contains("httpPort=8080", "jwtSecret=(redacted)", "metricsToken=(redacted)",
                "registry.example.com", "EVENTLINE_SMTP_PASSWORD=(redacted)");
        assertThat(printed).doesNotContain("jwt-secret-value", "metrics-token-value", "registry-password-value",
                "client-password-value", "urluser", "url-password-value", "smtp-password-value",
                "sms-auth-token-value");
        assertThat(config.notifications().provider("EVENTLINE_SMTP_PASSWORD")).isEqualTo("smtp-password-value");
    }

    @Test
    void shouldRejectRegistryCredentialsWithoutUserOrPasswordWithoutEchoingThem() {
        for (String name : new String[] {"EVENTLINE_REGISTRY_USER_INFO", "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"}) {
            for (String malformed : new String[] {"only-a-secret", ":hunter2", "alice:"}) {
                assertThatThrownBy(() -> EventlineConfig.load(Map.of(name, malformed)))
                        .hasMessageContaining(name)
                        .message().doesNotContain(malformed);
            }
        }
    }
}

package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
        assertThat(config.streamsStateDir()).isEqualTo(Path.of("./data/streams/eventline-1"));
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
    void shouldRejectOutOfRangeAndMalformedSettingsByName() {
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_WORKER_ID", "32")))
                .hasMessageContaining("EVENTLINE_WORKER_ID");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_HTTP_PORT", "eighty")))
                .hasMessageContaining("EVENTLINE_HTTP_PORT");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_INSTANCE_ID", "a/b")))
                .hasMessageContaining("EVENTLINE_INSTANCE_ID");
    }

    @Test
    void shouldRejectUnknownNamesInTheFile(@TempDir Path dir) throws Exception {
        final Path file = dir.resolve("eventline.properties");
        Files.writeString(file, "EVENTLINE_HTTP_PROT=9000\n");

        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_CONFIG_FILE", file.toString())))
                .hasMessageContaining("EVENTLINE_HTTP_PROT");
    }
}

package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.kafka.Durability;
import io.eventline.kafka.TopicDurability;
import io.eventline.streams.StreamsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings of how Eventline reaches Kafka and how durable its topics are. */
class EventlineKafkaConfigTest {
    private static final String PASSWORD = "scram-password-0123456789";

    @Test
    void shouldKeepPageCacheDurabilityAndLeaveTheReplicationToTheClusterByDefault() {
        // when
        final EventlineConfig config = EventlineConfig.load(Map.of());

        // then
        assertThat(config.durability()).isEqualTo(Durability.PAGE_CACHE);
        assertThat(config.topicReplicationFactor()).isEmpty();
        assertThat(config.kafkaClientProperties().isEmpty()).isTrue();
        assertThat(config.kafkaClientConfig("localhost:9092")).isEqualTo(Map.of("bootstrap.servers",
                "localhost:9092"));
    }

    @Test
    void shouldTakeFsyncDurabilityAndAReplicationFactor() {
        // when
        final EventlineConfig config = EventlineConfig.load(Map.of("EVENTLINE_DURABILITY", "fsync",
                "EVENTLINE_TOPIC_REPLICATION_FACTOR", "3"));

        // then
        assertThat(config.durability()).isEqualTo(Durability.FSYNC);
        assertThat(config.topicReplicationFactor()).contains((short) 3);
    }

    @Test
    void shouldRejectAnUnknownDurabilityAndAFactorOutOfRangeByName() {
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_DURABILITY", "always")))
                .hasMessageContaining("EVENTLINE_DURABILITY").hasMessageContaining("page-cache, fsync");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_TOPIC_REPLICATION_FACTOR", "0")))
                .hasMessageContaining("EVENTLINE_TOPIC_REPLICATION_FACTOR");
    }

    @Test
    void shouldStartEveryKafkaClientFromThePropertiesFileWithoutShowingItsValues(@TempDir Path dir)
            throws Exception {
        // given
        final Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"eventline\" password=\"" + PASSWORD + "\";\n");

        // when
        final EventlineConfig config = EventlineConfig.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
                "EVENTLINE_KAFKA_PROPERTIES_FILE", file.toString()));
        final Properties streams = StreamsSettings.of(config, config.kafkaClientConfig("kafka:9093"),
                TopicDurability.decide(Optional.empty(), 3, true));

        // then
        assertThat(config.kafkaClientConfig("kafka:9093")).containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(streams).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry("topic.min.insync.replicas", "2")
                .containsEntry("topic.flush.messages", "1");
        assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain(PASSWORD);
    }

    @Test
    void shouldRefuseThePropertiesFileWithTheEmbeddedBrokerOrWhenUnreadable(@TempDir Path dir) throws Exception {
        // given
        final Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SSL\n");

        // then
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("EVENTLINE_KAFKA_PROPERTIES_FILE", file.toString())))
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
        assertThatThrownBy(() -> EventlineConfig.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
                "EVENTLINE_KAFKA_PROPERTIES_FILE", dir.resolve("missing.properties").toString())))
                .hasMessageContaining("cannot read EVENTLINE_KAFKA_PROPERTIES_FILE");
    }
}

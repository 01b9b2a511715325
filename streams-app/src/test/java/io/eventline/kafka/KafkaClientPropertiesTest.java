package io.eventline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {
    private static final String PASSWORD = "s3cret-Passw0rd";
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"eventline\" password=\"" + PASSWORD + "\";";

    @Test
    void shouldStartEveryClientConfigFromTheFileAndTheBootstrapServers(@TempDir Path dir) throws Exception {
        // given
        final Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=" + JAAS.replace("\"", "\\\"") + "\n");

        // when
        final Map<String, Object> config = KafkaClientProperties.load(file).forCluster("kafka-1:9093");

        // then
        assertThat(config).containsEntry("bootstrap.servers", "kafka-1:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", JAAS);
    }

    @Test
    void shouldNameItsPropertiesButNeverShowAValue() {
        // given
        final KafkaClientProperties properties = KafkaClientProperties.of(Map.of("sasl.jaas.config", JAAS,
                "ssl.truststore.password", PASSWORD));

        // when
        final String shown = properties.toString();

        // then
        assertThat(shown).contains("sasl.jaas.config", "ssl.truststore.password").doesNotContain(PASSWORD);
    }

    @Test
    void shouldLeaveTheBootstrapServersToTheirOwnSetting() {
        assertThatThrownBy(() -> KafkaClientProperties.of(Map.of("bootstrap.servers", "elsewhere:9092")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldGiveEachClientItsOwnCopy() {
        // given
        final KafkaClientProperties properties = KafkaClientProperties.of(Map.of("security.protocol", "SSL"));

        // when
        properties.forCluster("a:9092").put("client.id", "first");

        // then
        assertThat(properties.forCluster("a:9092")).doesNotContainKey("client.id");
    }
}

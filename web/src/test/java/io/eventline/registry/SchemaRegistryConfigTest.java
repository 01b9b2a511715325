package io.eventline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

    @Test
    void shouldDefaultToConfluentsTopicAndPort() {
        // When
        final SchemaRegistryConfig config = SchemaRegistryConfig.defaults("broker:9092");

        // Then
        assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.topic()).isEqualTo("_schemas");
        assertThat(config.replicationFactor()).isEqualTo(1);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8081);
        assertThat(config.operationTimeout()).isPositive();
        assertThat(config.startupTimeout()).isPositive();
    }

    @Test
    void shouldOverrideOneSettingAtATime() {
        // When
        final SchemaRegistryConfig config = SchemaRegistryConfig.defaults("broker:9092")
                .withTopic("registry.v1")
                .withReplicationFactor(3)
                .withListener("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3));

        // Then
        assertThat(config).isEqualTo(new SchemaRegistryConfig("broker:9092", "registry.v1", 3, "127.0.0.1", 0,
                Duration.ofSeconds(2), Duration.ofSeconds(3)));
        assertThat(new SchemaRegistryServer("broker:9092", "registry.v1", 3, 0, "127.0.0.1").config())
                .isEqualTo(config.withTimeouts(SchemaRegistryConfig.defaults("x").operationTimeout(),
                        SchemaRegistryConfig.defaults("x").startupTimeout()));
    }

    @Test
    void shouldRejectImpossibleSettings() {
        final SchemaRegistryConfig defaults = SchemaRegistryConfig.defaults("broker:9092");
        assertThatThrownBy(() -> defaults.withTopic(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withReplicationFactor(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withListener("localhost", 70_000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

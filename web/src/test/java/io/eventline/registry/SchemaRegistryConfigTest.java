package io.eventline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {
    private static final String USER_INFO = "admin:s3cret";

    @Test
    void shouldDefaultToConfluentsTopicAndPortOnLoopbackWithCappedSubjects() {
        // When
        final SchemaRegistryConfig config = SchemaRegistryConfig.defaults("broker:9092", USER_INFO);

        // Then
        assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.topic()).isEqualTo("_schemas");
        assertThat(config.replicationFactor()).isEqualTo(1);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8081);
        assertThat(config.operationTimeout()).isPositive();
        assertThat(config.startupTimeout()).isPositive();
        assertThat(config.userInfo()).isEqualTo(USER_INFO);
        assertThat(config.protectedSubjects()).isEmpty();
        assertThat(config.maxSubjects()).isEqualTo(1_000);
        assertThat(config.maxVersionsPerSubject()).isEqualTo(100);
    }

    @Test
    void shouldOverrideOneSettingAtATime() {
        // When
        final SchemaRegistryConfig config = SchemaRegistryConfig.defaults("broker:9092", USER_INFO)
                .withTopic("registry.v1")
                .withReplicationFactor(3)
                .withListener("0.0.0.0", 0)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3))
                .withProtectedSubjects(Set.of("feed.posts.v1-value"))
                .withLimits(10, 5);

        // Then
        assertThat(config).isEqualTo(new SchemaRegistryConfig("broker:9092", "registry.v1", 3, "0.0.0.0", 0,
                Duration.ofSeconds(2), Duration.ofSeconds(3), USER_INFO, Set.of("feed.posts.v1-value"), 10, 5,
                Map.of()));
        assertThat(config.subjectRules()).isEqualTo(new SubjectRules(Set.of("feed.posts.v1-value"), 10, 5));
        assertThat(new SchemaRegistryServer("broker:9092", "registry.v1", 3, 0, "0.0.0.0", USER_INFO).config())
                .isEqualTo(config.withTimeouts(SchemaRegistryConfig.defaults("x", USER_INFO).operationTimeout(),
                        SchemaRegistryConfig.defaults("x", USER_INFO).startupTimeout())
                        .withProtectedSubjects(Set.of())
                        .withLimits(1_000, 100));
    }

    @Test
    void shouldRejectImpossibleSettings() {
        final SchemaRegistryConfig defaults = SchemaRegistryConfig.defaults("broker:9092", USER_INFO);
        assertThatThrownBy(() -> defaults.withTopic(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withReplicationFactor(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withListener("localhost", 70_000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withLimits(0, 1)).isInstanceOf(IllegalArgumentException.class);
        for (String userInfo : new String[] {"no-colon", ":no-user", "no-password:"}) {
            assertThatThrownBy(() -> SchemaRegistryConfig.defaults("broker:9092", userInfo))
                    .isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain(userInfo);
        }
    }

    @Test
    void shouldLeaveTheCredentialsOutOfItsDescription() {
        assertThat(SchemaRegistryConfig.defaults("broker:9092", USER_INFO).toString())
                .contains("broker:9092")
                .doesNotContain("s3cret");
    }

    @Test
    void shouldNameTheKafkaClientPropertiesOfItsLogButNeverShowTheirValues() {
        // given
        final SchemaRegistryConfig config = SchemaRegistryConfig.defaults("broker:9092", USER_INFO)
                .withKafkaClientProperties(Map.of("sasl.jaas.config", "ScramLoginModule password=\"kafka-pw\";"));

        // then
        assertThat(config.kafkaClientProperties()).containsKey("sasl.jaas.config");
        assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("kafka-pw");
    }
}

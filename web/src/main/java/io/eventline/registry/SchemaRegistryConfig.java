package io.eventline.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SchemaRegistryServer} runs: its Kafka log and its HTTP listener.
 *
 * @param bootstrapServers  the Kafka cluster holding the log
 * @param topic             the log topic; instances that share it are one registry
 * @param replicationFactor the replication factor the topic is created with when missing
 * @param host              the address to listen on
 * @param port              the HTTP port; 0 picks a free one
 * @param operationTimeout  how long a request waits for the log before answering 50002
 * @param startupTimeout    how long {@link SchemaRegistryServer#start()} waits to catch up with the log
 */
public record SchemaRegistryConfig(String bootstrapServers, String topic, int replicationFactor, String host,
                                   int port, Duration operationTimeout, Duration startupTimeout) {
    /**
     * The log topic's default name, the one Confluent's registry uses; the record formats differ, so a cluster
     * that also runs Confluent's registry needs another name here.
     */
    public static final String DEFAULT_TOPIC = "_schemas";
    public static final int DEFAULT_PORT = 8081;
    public static final String DEFAULT_HOST = "0.0.0.0";

    public SchemaRegistryConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, was " + replicationFactor);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be within 0..65535, was " + port);
        }
        if (operationTimeout.isNegative() || operationTimeout.isZero()
                || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** The defaults: topic {@value #DEFAULT_TOPIC}, replication 1, all interfaces, port 8081. */
    public static SchemaRegistryConfig defaults(String bootstrapServers) {
        return new SchemaRegistryConfig(bootstrapServers, DEFAULT_TOPIC, 1, DEFAULT_HOST, DEFAULT_PORT,
                Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public SchemaRegistryConfig withTopic(String newTopic) {
        return new SchemaRegistryConfig(bootstrapServers, newTopic, replicationFactor, host, port,
                operationTimeout, startupTimeout);
    }

    public SchemaRegistryConfig withReplicationFactor(int newReplicationFactor) {
        return new SchemaRegistryConfig(bootstrapServers, topic, newReplicationFactor, host, port,
                operationTimeout, startupTimeout);
    }

    public SchemaRegistryConfig withListener(String newHost, int newPort) {
        return new SchemaRegistryConfig(bootstrapServers, topic, replicationFactor, newHost, newPort,
                operationTimeout, startupTimeout);
    }

    public SchemaRegistryConfig withTimeouts(Duration newOperationTimeout, Duration newStartupTimeout) {
        return new SchemaRegistryConfig(bootstrapServers, topic, replicationFactor, host, port,
                newOperationTimeout, newStartupTimeout);
    }
}

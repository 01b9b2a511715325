package io.eventline.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a {@link SchemaRegistryServer} runs: its Kafka log, its HTTP listener, who may write, and what it keeps.
 *
 * @param bootstrapServers      the Kafka cluster holding the log
 * @param topic                 the log topic; instances that share it are one registry
 * @param replicationFactor     the replication factor the topic is created with when missing
 * @param host                  the address to listen on
 * @param port                  the HTTP port; 0 picks a free one
 * @param operationTimeout      how long a request waits for the log before answering 50002
 * @param startupTimeout        how long {@link SchemaRegistryServer#start()} waits to catch up with the log
 * @param userInfo              {@code user:password}, the HTTP Basic credentials every write must carry
 * @param protectedSubjects     subjects that cannot be deleted nor left without backward compatibility
 * @param maxSubjects           how many subjects the registry holds, soft-deleted ones included
 * @param maxVersionsPerSubject how many versions one subject holds, soft-deleted ones included
 * @param kafkaClientProperties Kafka client settings (security) the log's clients start from, besides the
 *                              bootstrap servers
 */
public record SchemaRegistryConfig(String bootstrapServers, String topic, int replicationFactor, String host,
                                   int port, Duration operationTimeout, Duration startupTimeout, String userInfo,
                                   Set<String> protectedSubjects, int maxSubjects, int maxVersionsPerSubject,
                                   Map<String, Object> kafkaClientProperties) {
    /**
     * The log topic's default name, the one Confluent's registry uses; the record formats differ, so a cluster
     * that also runs Confluent's registry needs another name here.
     */
    public static final String DEFAULT_TOPIC = "_schemas";
    public static final int DEFAULT_PORT = 8081;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_MAX_SUBJECTS = 1_000;
    public static final int DEFAULT_MAX_VERSIONS_PER_SUBJECT = 100;

    public SchemaRegistryConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(userInfo, "userInfo");
        protectedSubjects = Set.copyOf(protectedSubjects);
        kafkaClientProperties = Map.copyOf(kafkaClientProperties);
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
        final int colon = userInfo.indexOf(':');
        if (colon < 1 || colon == userInfo.length() - 1) {
            throw new IllegalArgumentException("userInfo must be user:password, with a user and a password");
        }
        if (maxSubjects < 1 || maxVersionsPerSubject < 1) {
            throw new IllegalArgumentException("maxSubjects and maxVersionsPerSubject must be at least 1");
        }
    }

    /**
     * The defaults: topic {@value #DEFAULT_TOPIC}, replication 1, loopback, port 8081, no protected subjects,
     * {@value #DEFAULT_MAX_SUBJECTS} subjects of {@value #DEFAULT_MAX_VERSIONS_PER_SUBJECT} versions at most;
     * writes take {@code userInfo}.
     */
    public static SchemaRegistryConfig defaults(String bootstrapServers, String userInfo) {
        return new SchemaRegistryConfig(bootstrapServers, DEFAULT_TOPIC, 1, DEFAULT_HOST, DEFAULT_PORT,
                Duration.ofSeconds(10), Duration.ofSeconds(60), userInfo, Set.of(), DEFAULT_MAX_SUBJECTS,
                DEFAULT_MAX_VERSIONS_PER_SUBJECT, Map.of());
    }

    public SchemaRegistryConfig withTopic(String newTopic) {
        return new SchemaRegistryConfig(bootstrapServers, newTopic, replicationFactor, host, port,
                operationTimeout, startupTimeout, userInfo, protectedSubjects, maxSubjects, maxVersionsPerSubject,
                kafkaClientProperties);
    }

    public SchemaRegistryConfig withReplicationFactor(int newReplicationFactor) {
        return new SchemaRegistryConfig(bootstrapServers, topic, newReplicationFactor, host, port,
                operationTimeout, startupTimeout, userInfo, protectedSubjects, maxSubjects, maxVersionsPerSubject,
                kafkaClientProperties);
    }

    public SchemaRegistryConfig withListener(String newHost, int newPort) {
        return new SchemaRegistryConfig(bootstrapServers, topic, replicationFactor, newHost, newPort,
                operationTimeout, startupTimeout, userInfo, protectedSubjects, maxSubjects, maxVersionsPerSubject,
                kafkaClientProperties);
    }

    public SchemaRegistryConfig withTimeouts(Duration newOperationTimeout, Duration newStartupTimeout) {
        return new SchemaRegistryConfig(bootstrapServers, topic, replicationFactor, host, port,
                newOperationTimeout, newStartupTimeout, userInfo, protectedSubjects, maxSubjects,
                maxVersionsPerSubject, kafkaClientProperties);
    }

    public SchemaRegistryConfig withProtectedSubjects(Set<String> newProtectedSubjects) {
        return new SchemaRegistryConfig(bootstrapServers, topic, replicationFactor, host, port,
                operationTimeout, startupTimeout, userInfo, newProtectedSubjects, maxSubjects,
                maxVersionsPerSubject, kafkaClientProperties);
    }

    public SchemaRegistryConfig withLimits(int newMaxSubjects, int newMaxVersionsPerSubject) {
        return new SchemaRegistryConfig(bootstrapServers, topic, replicationFactor, host, port,
                operationTimeout, startupTimeout, userInfo, protectedSubjects, newMaxSubjects,
                newMaxVersionsPerSubject, kafkaClientProperties);
    }

    /** A copy whose Kafka clients start from {@code properties} (security settings, for instance). */
    public SchemaRegistryConfig withKafkaClientProperties(Map<String, ?> properties) {
        return new SchemaRegistryConfig(bootstrapServers, topic, replicationFactor, host, port,
                operationTimeout, startupTimeout, userInfo, protectedSubjects, maxSubjects, maxVersionsPerSubject,
                Map.copyOf(properties));
    }

    /** What the service enforces on subjects. */
    SubjectRules subjectRules() {
        return new SubjectRules(protectedSubjects, maxSubjects, maxVersionsPerSubject);
    }

    /** Leaves the credentials out, so that logging the config does not log them. */
    @Override
    public String toString() {
        return "SchemaRegistryConfig[bootstrapServers=" + bootstrapServers + ", topic=" + topic
                + ", replicationFactor=" + replicationFactor + ", host=" + host + ", port=" + port
                + ", operationTimeout=" + operationTimeout + ", startupTimeout=" + startupTimeout
                + ", protectedSubjects=" + protectedSubjects.size() + ", maxSubjects=" + maxSubjects
                + ", maxVersionsPerSubject=" + maxVersionsPerSubject
                + ", kafkaClientProperties=" + new TreeSet<>(kafkaClientProperties.keySet()) + "]";
    }
}

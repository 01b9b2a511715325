package io.eventline.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Kafka client properties that every producer, consumer, admin client and Kafka Streams application Eventline
 * builds starts from: security ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) and any other client
 * setting, read from a Java properties file. The settings Eventline chooses itself for correctness (bootstrap
 * servers, client IDs, acknowledgements, idempotence, isolation levels, serializers) are applied over them.
 *
 * <p>Values can be credentials, so {@link #toString()} names the properties but never shows a value.
 */
public final class KafkaClientProperties {

    private static final KafkaClientProperties NONE = new KafkaClientProperties(Map.of());

    private final Map<String, String> properties;

    private KafkaClientProperties(Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
    }

    /** No properties beyond the bootstrap servers. */
    public static KafkaClientProperties none() {
        return NONE;
    }

    /**
     * The given properties.
     *
     * @throws IllegalArgumentException if they set {@code bootstrap.servers}, which comes from
     *                                  {@code KAFKA_BOOTSTRAP_SERVERS} alone
     */
    public static KafkaClientProperties of(Map<String, String> properties) {
        if (properties.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG
                    + " is set by KAFKA_BOOTSTRAP_SERVERS, not by the client properties");
        }
        return properties.isEmpty() ? NONE : new KafkaClientProperties(properties);
    }

    /**
     * Reads a Java properties file.
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException as {@link #of(Map)}
     */
    public static KafkaClientProperties load(Path file) throws IOException {
        final Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            loaded.load(reader);
        }
        final Map<String, String> properties = new HashMap<>();
        loaded.stringPropertyNames().forEach(name -> properties.put(name.trim(), loaded.getProperty(name).trim()));
        return of(properties);
    }

    /** A mutable client config: these properties and {@code bootstrap.servers}, for a client to add its own to. */
    public Map<String, Object> forCluster(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        final Map<String, Object> config = new HashMap<>(properties);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** The names of the properties set. */
    public Set<String> names() {
        return new TreeSet<>(properties.keySet());
    }

    public boolean isEmpty() {
        return properties.isEmpty();
    }

    /** Names only: the values may be passwords. */
    @Override
    public String toString() {
        final Map<String, String> hidden = new TreeMap<>();
        properties.keySet().forEach(name -> hidden.put(name, "[hidden]"));
        return "KafkaClientProperties" + hidden;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KafkaClientProperties that && properties.equals(that.properties);
    }

    @Override
    public int hashCode() {
        return properties.hashCode();
    }
}

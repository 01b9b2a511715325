package io.eventline.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.serde.Json;
import io.javalin.Javalin;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded schema registry speaking the Confluent Schema Registry REST API, for Avro, kept in a
 * single-partition Kafka topic. Any number of instances on the same topic form one registry, without a
 * leader: they agree on every ID, version and decision, and it survives restarts.
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry = new SchemaRegistryServer(
 *         SchemaRegistryConfig.defaults("localhost:9092", "admin:" + password))) {
 *     registry.start();
 *     String url = registry.url();
 * }
 * }</pre>
 */
public final class SchemaRegistryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final SchemaRegistryConfig config;
    private final ObjectMapper json;
    private KafkaRegistryLog log;
    private Javalin app;
    private boolean closed;

    public SchemaRegistryServer(SchemaRegistryConfig config) {
        this(config, Json.mapper());
    }

    /** @param json reads and writes the log's records and the API's bodies */
    public SchemaRegistryServer(SchemaRegistryConfig config, ObjectMapper json) {
        this.config = Objects.requireNonNull(config, "config");
        this.json = json;
    }

    /**
     * A registry on {@code topic} of the cluster at {@code bootstrapServers}, listening on {@code host:port},
     * whose writes take {@code userInfo}, {@code user:password}.
     */
    public SchemaRegistryServer(String bootstrapServers, String topic, int replicationFactor, int port, String host,
                                String userInfo) {
        this(SchemaRegistryConfig.defaults(bootstrapServers, userInfo)
                .withTopic(topic)
                .withReplicationFactor(replicationFactor)
                .withListener(host, port));
    }

    /**
     * Creates the log topic if missing, replays it, then serves HTTP. Blocks until the registry is serving.
     *
     * @throws IllegalStateException if already started, or when the log cannot be reached or replayed in time
     */
    public synchronized void start() {
        if (log != null || closed) {
            throw new IllegalStateException("schema registry already started or closed");
        }
        final RegistryState state = new RegistryState();
        log = new KafkaRegistryLog(config, state, json);
        try {
            log.start();
            app = SchemaRegistryApi.create(new SchemaRegistryService(state, log, config.subjectRules()),
                    new RegistryCredentials(config.userInfo()), json).start(config.host(), config.port());
        } catch (RegistryException e) {
            close();
            throw new IllegalStateException("schema registry could not catch up with " + config.topic() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("schema registry serving {} on {}", config.topic(), url());
    }

    /** The HTTP port, once started; the one picked when configured as 0. */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("schema registry not started");
        }
        return app.port();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        final String host = "0.0.0.0".equals(config.host()) || "::".equals(config.host())
                ? "127.0.0.1"
                : config.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** Whether the registry serves: started, not closed, and still following its log. For readiness checks. */
    public synchronized boolean isHealthy() {
        return app != null && log != null && log.isHealthy();
    }

    public SchemaRegistryConfig config() {
        return config;
    }

    /** Stops serving HTTP, then closes the log's Kafka clients. */
    @Override
    public synchronized void close() {
        closed = true;
        if (app != null) {
            app.stop();
            app = null;
        }
        if (log != null) {
            log.close();
        }
    }
}

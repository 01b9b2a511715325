package io.eventline.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.ids.LeaseKeeper;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.ids.WorkerLease;
import io.eventline.clients.EventProducer;
import io.eventline.ratelimit.CounterPartitions;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.EventSerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;

/**
 * What an instance has before its streams start, and every domain may use from then on: settings, clock, the
 * one JSON mapper, the Kafka cluster, the schema registry, the worker lease and its IDs, the shared producer.
 * Whatever a domain starts itself it registers with {@link #closer()}.
 */
public final class InstanceBasics {
    /** How often a lost worker lease is asked for again; also the Retry-After of the writes refused meanwhile. */
    private static final Duration LEASE_RETRY = Duration.ofSeconds(5);

    private final EventlineConfig config;
    private final Clock clock;
    private final ObjectMapper json;
    private final String jwtSecret;
    private final KafkaCluster kafka;
    private final HttpSchemaRegistryClient registry;
    private final EventSerdes serdes;
    private final LeaseKeeper lease;
    private final SnowflakeIdGenerator ids;
    private final EventProducer producer;
    private final CounterPartitions counters = new CounterPartitions();
    private final Closer closer;

    private InstanceBasics(EventlineConfig config, Clock clock, ObjectMapper json, String jwtSecret,
                           KafkaCluster kafka, HttpSchemaRegistryClient registry, Closer closer) {
        this.config = config;
        this.clock = clock;
        this.json = json;
        this.jwtSecret = jwtSecret;
        this.kafka = kafka;
        this.registry = registry;
        this.serdes = new EventSerdes(registry);
        this.closer = closer;
        this.lease = closer.add(new LeaseKeeper(new WorkerLease(kafka.clientConfig(), WorkerLease.TOPIC,
                registry, json, config.instanceId(), config.datacenterId(), config.workerId(), WorkerLease.DEFAULT_TTL, clock),
                LEASE_RETRY));
        lease.start();
        // without the lease another instance may issue the same IDs: this one issues none until it holds it again
        this.ids = new SnowflakeIdGenerator(config.datacenterId(), config.workerId(), InstantSource.system(),
                SnowflakeIdGenerator.DEFAULT_MAX_BACKWARD_WAIT, lease::isHeld);
        this.producer = producer("web", EventProducer.DEFAULT_LINGER);
    }

    /** Takes the worker lease and opens the shared producer. */
    static InstanceBasics start(EventlineConfig config, Clock clock, ObjectMapper json, String jwtSecret,
                                KafkaCluster kafka, HttpSchemaRegistryClient registry, Closer closer) {
        return new InstanceBasics(config, clock, json, jwtSecret, kafka, registry, closer);
    }

    /** A producer of its own, named {@code eventline-<purpose>-<instance>}, for events batched with {@code linger}. */
    public EventProducer producer(String purpose, Duration linger) {
        return closer.add(new EventProducer(kafka.clientConfig(), "eventline-" + purpose + "-" + config.instanceId(),
                registry, linger));
    }

    public EventlineConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    /** The one JSON mapper of the instance ({@link io.eventline.serde.Json#mapper()}). */
    public ObjectMapper json() {
        return json;
    }

    /** The key that signs tokens, internal calls, unsubscribe links and channel IDs. */
    public String jwtSecret() {
        return jwtSecret;
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    public HttpSchemaRegistryClient registry() {
        return registry;
    }

    public EventSerdes serdes() {
        return serdes;
    }

    public LeaseKeeper lease() {
        return lease;
    }

    public SnowflakeIdGenerator ids() {
        return ids;
    }

    /** The producer most writes share. */
    public EventProducer producer() {
        return producer;
    }

    /** Where the limiter's stream tasks announce the counters this process decides. */
    public CounterPartitions counters() {
        return counters;
    }

    public Closer closer() {
        return closer;
    }
}

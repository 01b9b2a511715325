package io.eventline.clients;

import io.eventline.kv.KvTopics;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one way Eventline events are produced: idempotent, {@code acks=all}, keyed (and, where the topic says
 * so, partitioned) as the event's {@link Topic} says, values in the Confluent wire format. A send completes only
 * once the broker has acknowledged it; failures complete the future exceptionally.
 */
public final class EventProducer implements AutoCloseable {
    /** How long a send waits for others to share its batch unless told otherwise. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(1);

    private final Producer<String, byte[]> producer;
    private final SchemaRegistryClient registry;
    private final Map<Class<?>, AvroSerde<?>> serdes = new ConcurrentHashMap<>();

    public EventProducer(String bootstrapServers, String clientId, SchemaRegistryClient registry) {
        this(bootstrapServers, clientId, registry, DEFAULT_LINGER);
    }

    /**
     * A producer that waits up to {@code linger} to batch sends: a longer linger trades latency for far fewer
     * broker requests, which suits events nobody waits for (clicks, analytics).
     */
    public EventProducer(String bootstrapServers, String clientId, SchemaRegistryClient registry, Duration linger) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), clientId, registry, linger);
    }

    /**
     * @param clientConfig the Kafka client settings every client starts from (bootstrap servers, security); the
     *                     producer's own settings below are applied over them
     */
    public EventProducer(Map<String, ?> clientConfig, String clientId, SchemaRegistryClient registry,
                         Duration linger) {
        this(new KafkaProducer<>(properties(clientConfig, clientId, linger), new StringSerializer(),
                new ByteArraySerializer()), registry);
    }

    EventProducer(Producer<String, byte[]> producer, SchemaRegistryClient registry) {
        this.producer = producer;
        this.registry = registry;
    }

    /** Producer settings: nothing acknowledged may be lost, and no retry may duplicate. */
    public static Properties properties(String bootstrapServers, String clientId) {
        return properties(bootstrapServers, clientId, DEFAULT_LINGER);
    }

    static Properties properties(String bootstrapServers, String clientId, Duration linger) {
        return properties(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), clientId, linger);
    }

    static Properties properties(Map<String, ?> clientConfig, String clientId, Duration linger) {
        final Properties props = new Properties();
        props.putAll(clientConfig);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // a key-value write carries a value of up to 1 MiB; topics keep their own, smaller, record limits
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KvTopics.MAX_RECORD_BYTES);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // one small event per batch at a short linger: LZ4 would cost more CPU than the bytes it saves
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        return props;
    }

    /**
     * Sends {@code event} to {@code topic} under the key the topic computes for it, on the topic's own partition
     * for that key if it has its own partitioning.
     */
    public <V extends SpecificRecord> CompletableFuture<RecordMetadata> send(Topic<V> topic, V event) {
        final CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            final byte[] value = serde(topic.valueType()).serialize(topic.name(), event);
            final String key = topic.keyOf(event);
            producer.send(new ProducerRecord<>(topic.name(), partitionOf(topic, key), key, value),
                    (metadata, error) -> {
                        if (error != null) {
                            acked.completeExceptionally(error);
                        } else {
                            acked.complete(metadata);
                        }
                    });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /** The topic's own partition for {@code key}, or null to leave it to Kafka's key hashing. */
    private Integer partitionOf(Topic<?> topic, String key) {
        if (topic.partitioner() == null || key == null) {
            return null;
        }
        // the producer's metadata, cached after the first send to the topic
        final int partitions = producer.partitionsFor(topic.name()).size();
        return partitions == 0 ? null : topic.partitioner().partition(key, partitions);
    }

    @SuppressWarnings("unchecked")
    private <V extends SpecificRecord> AvroSerde<V> serde(Class<V> type) {
        return (AvroSerde<V>) serdes.computeIfAbsent(type, t -> AvroSerde.forValue(registry, type));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}

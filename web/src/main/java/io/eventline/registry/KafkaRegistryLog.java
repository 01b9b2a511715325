package io.eventline.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry log on a single-partition Kafka topic. Instances need no leader: each appends proposals, each
 * consumes the whole partition in order and applies it to its own state, so the order Kafka gives the
 * partition is the one order all of them decide in. An instance answers a proposal of its own once its
 * consumer has applied it.
 *
 * <p>Every record has a key of its own (the proposal's UUID), so compaction never removes one: decisions depend
 * on what came before them in the log, and a later instance replaying a log thinned by compaction would
 * decide differently. The topic is still created compacted, which keeps it from ever expiring by time.
 */
final class KafkaRegistryLog implements RegistryLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRegistryLog.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final SchemaRegistryConfig config;
    private final RegistryState state;
    private final RegistryRecords records;
    private final TopicPartition partition;
    private final String clientId = "eventline-schema-registry-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private long appliedPosition;
    private RuntimeException failure;
    private volatile boolean running;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread applier;

    KafkaRegistryLog(SchemaRegistryConfig config, RegistryState state, ObjectMapper json) {
        this.records = new RegistryRecords(json);
        this.config = config;
        this.state = state;
        this.partition = new TopicPartition(config.topic(), 0);
    }

    /** Creates the topic if missing, then replays it up to its current end; blocks until done. */
    void start() {
        admin = Admin.create(adminProperties());
        ensureTopic();
        producer = new KafkaProducer<>(producerProperties());
        consumer = new KafkaConsumer<>(consumerProperties());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        running = true;
        applier = new Thread(this::applyLoop, "schema-registry-log-" + config.topic());
        applier.setDaemon(true);
        applier.start();
        awaitApplied(endOffset(config.startupTimeout()), config.startupTimeout());
        LOG.info("schema registry caught up with {} at offset {}", config.topic(), appliedPosition());
    }

    @Override
    public Object append(RegistryCommand command) {
        final String proposal = UUID.randomUUID().toString();
        final CompletableFuture<Object> outcome = new CompletableFuture<>();
        pending.put(proposal, outcome);
        try {
            throwIfFailed();
            producer.send(new ProducerRecord<>(config.topic(), 0, records.key(proposal, command),
                    records.value(command)), (metadata, e) -> {
                        if (e != null) {
                            fail(pending.remove(proposal), RegistryException.storeError(
                                    "Error while writing to the schema log: " + e.getMessage(), e));
                        }
                    });
            return outcome.get(config.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RegistryException refused
                    ? refused
                    : RegistryException.storeError("Error in the schema log", e.getCause());
        } catch (TimeoutException e) {
            throw RegistryException.timeout("Timed out waiting for the schema log to apply the change");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.timeout("Interrupted while waiting for the schema log");
        } catch (KafkaException e) {
            throw RegistryException.storeError("Error while writing to the schema log: " + e.getMessage(), e);
        } finally {
            pending.remove(proposal);
        }
    }

    /** Whether the log is consumed and applied; false before start, after close or once the consumer failed. */
    boolean isHealthy() {
        synchronized (progress) {
            return running && failure == null && applier != null && applier.isAlive();
        }
    }

    @Override
    public void catchUp() {
        awaitApplied(endOffset(config.operationTimeout()), config.operationTimeout());
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (applier != null) {
            try {
                applier.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (applier == null && consumer != null) {
            consumer.close();
        }
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
        }
        if (admin != null) {
            admin.close(CLOSE_TIMEOUT);
        }
        final RegistryException closed = RegistryException.storeError("The schema registry is shutting down", null);
        pending.values().forEach(waiter -> waiter.completeExceptionally(closed));
    }

    private void applyLoop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    apply(record);
                }
                advance(consumer.position(partition));
            }
        } catch (WakeupException e) {
            if (running) {
                failAll(new IllegalStateException("schema log consumer woken up unexpectedly", e));
            }
        } catch (RuntimeException e) {
            LOG.error("schema log consumer on {} failed; the registry stops serving changes", config.topic(), e);
            failAll(e);
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        final CompletableFuture<Object> waiter = records.proposal(record.key())
                .map(pending::remove)
                .orElse(null);
        final Optional<RegistryCommand> command = records.command(record.value());
        if (command.isEmpty()) {
            LOG.warn("skipping unreadable record at offset {} of {}", record.offset(), config.topic());
            fail(waiter, RegistryException.storeError("The schema log holds an unreadable record", null));
            return;
        }
        try {
            final Object outcome = state.apply(command.get());
            if (waiter != null) {
                waiter.complete(outcome);
            }
        } catch (RegistryException refused) {
            fail(waiter, refused);
        } catch (RuntimeException e) {
            // every instance meets the same record and fails the same way, so they still agree
            LOG.error("cannot apply record at offset {} of {}", record.offset(), config.topic(), e);
            fail(waiter, RegistryException.storeError("Cannot apply the change: " + e.getMessage(), e));
        }
    }

    private static void fail(CompletableFuture<Object> waiter, RegistryException error) {
        if (waiter != null) {
            waiter.completeExceptionally(error);
        }
    }

    private void advance(long position) {
        synchronized (progress) {
            if (position > appliedPosition) {
                appliedPosition = position;
                progress.notifyAll();
            }
        }
    }

    private void failAll(RuntimeException cause) {
        synchronized (progress) {
            failure = cause;
            progress.notifyAll();
        }
        final RegistryException error = RegistryException.storeError("The schema log consumer failed", cause);
        pending.values().forEach(waiter -> waiter.completeExceptionally(error));
    }

    private long appliedPosition() {
        synchronized (progress) {
            return appliedPosition;
        }
    }

    private void throwIfFailed() {
        synchronized (progress) {
            if (failure != null) {
                throw RegistryException.storeError("The schema log consumer failed", failure);
            }
        }
    }

    private void awaitApplied(long target, Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (appliedPosition < target) {
                if (failure != null) {
                    throw RegistryException.storeError("The schema log consumer failed", failure);
                }
                final long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis <= 0) {
                    throw RegistryException.timeout("Timed out catching up with the schema log at offset "
                            + target + "; applied up to " + appliedPosition);
                }
                try {
                    progress.wait(remainingMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw RegistryException.timeout("Interrupted while catching up with the schema log");
                }
            }
        }
    }

    private long endOffset(Duration timeout) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                    .partitionResult(partition)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .offset();
        } catch (ExecutionException e) {
            throw RegistryException.storeError("Cannot read the end of the schema log: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw RegistryException.timeout("Timed out reading the end of the schema log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.timeout("Interrupted while reading the end of the schema log");
        }
    }

    private void ensureTopic() {
        final long timeoutMillis = config.startupTimeout().toMillis();
        try {
            final TopicDescription description = admin.describeTopics(List.of(config.topic()))
                    .allTopicNames().get(timeoutMillis, TimeUnit.MILLISECONDS).get(config.topic());
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("schema log topic " + config.topic() + " has "
                        + description.partitions().size() + " partitions; the registry needs exactly one");
            }
            return;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new IllegalStateException("cannot describe schema log topic " + config.topic(), e.getCause());
            }
        } catch (TimeoutException | InterruptedException e) {
            throw interruptedOrTimedOut("describing", e);
        }
        final NewTopic topic = new NewTopic(config.topic(), 1, (short) config.replicationFactor())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(topic)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
            LOG.info("created schema log topic {} with replication factor {}", config.topic(),
                    config.replicationFactor());
        } catch (ExecutionException e) {
            // another instance starting at the same time may have created it first
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create schema log topic " + config.topic(), e.getCause());
            }
        } catch (TimeoutException | InterruptedException e) {
            throw interruptedOrTimedOut("creating", e);
        }
    }

    private IllegalStateException interruptedOrTimedOut(String action, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException("gave up " + action + " schema log topic " + config.topic(), e);
    }

    private Properties kafkaClientProperties() {
        final Properties properties = new Properties();
        properties.putAll(config.kafkaClientProperties());
        return properties;
    }

    private Properties adminProperties() {
        final Properties properties = kafkaClientProperties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        properties.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-admin");
        return properties;
    }

    private Properties producerProperties() {
        final Properties properties = kafkaClientProperties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.operationTimeout().toMillis());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }

    private Properties consumerProperties() {
        final Properties properties = kafkaClientProperties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-reader");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return properties;
    }
}

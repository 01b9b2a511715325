package io.eventline.ids;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.kafka.TopicSpec;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.eventline.serde.Json;
import io.eventline.serde.WireFormat;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease on one (datacenter, worker) pair, so that no two live instances run Snowflake generators with the same
 * pair and issue the same IDs.
 *
 * <p>Leases live in the compacted topic {@code eventline.worker-leases.v1} ({@link IdsTopics#WORKER_LEASES}),
 * keyed {@code "<datacenter>-<worker>"}, with a {@link WorkerLeaseClaim} value in the Confluent wire format naming
 * the holder's instance ID, when the lease expires, and the offset up to which the writer had read the topic; a
 * tombstone releases it. Records of earlier versions, in JSON with the same fields, are still read; this lease
 * rewrites its own in Avro at its next write. {@link #acquire()} reads the topic to the end and takes the pair if
 * it is free, expired, or held under this instance's own ID (a restart after a crash that skipped
 * {@link #close()}); it then reads again and gives up if another record for the key landed between its read and
 * its write, so of two racing writers only the first wins. The lease is renewed every third of its TTL on a daemon
 * thread; a renewal that finds a record written by someone who had seen this lease (a takeover after expiry, or a restart under the
 * same instance ID) counts the lease as lost and runs the {@linkplain #onLost(Runnable) listener}.
 *
 * <p>Expiry compares the holder's clock with the reader's, so the TTL must be far larger than the clock skew
 * between instances. Two processes started with the same instance ID are indistinguishable from a restart; the
 * older one notices at its next renewal and reports the lease lost.
 *
 * <pre>{@code
 * WorkerLease lease = new WorkerLease(bootstrap, registry, config.instanceId(), config.datacenterId(),
 *         config.workerId(), WorkerLease.DEFAULT_TTL, InstantSource.system());
 * lease.acquire();
 * SnowflakeIdGenerator ids = new SnowflakeIdGenerator(config.datacenterId(), config.workerId());
 * ...
 * lease.close();
 * }</pre>
 */
public final class WorkerLease implements AutoCloseable {

    /** The compacted topic holding all leases. */
    public static final String TOPIC = IdsTopics.WORKER_LEASES.name();
    /** The environment variable that sets an instance's worker ID; named in conflict messages. */
    public static final String WORKER_ID_ENV = "EVENTLINE_WORKER_ID";
    /** How long a lease lasts without renewal unless configured otherwise. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(WorkerLease.class);
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    /** At most how soon a renewal that failed is tried again: a third of the TTL later could be too late. */
    private static final Duration RETRY_AFTER_FAILED_RENEWAL = Duration.ofSeconds(1);
    private static final int PARTITION = 0;

    private enum State { NEW, HELD, LOST, CLOSED }

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final SchemaRegistryClient registry;
    private final AvroSerde<WorkerLeaseClaim> claims;
    /** Reads the JSON records of earlier versions. */
    private final ObjectMapper json;
    private final TopicPartition partition;
    private final String instanceId;
    private final int datacenterId;
    private final int workerId;
    private final String key;
    private final Duration ttl;
    private final InstantSource clock;
    /** Tells this object's records from those of an earlier process with the same instance ID. */
    private final String incarnation = UUID.randomUUID().toString();

    /** Guards the Kafka clients and everything read from the topic; they are not thread-safe. */
    private final Object lock = new Object();
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> consumer;
    private LeaseRecord latest;
    private long readEnd;
    /** The offset of this lease's newest record, or -1 before the first. */
    private long claim = -1;
    private ScheduledExecutorService renewer;
    /** Whether the expiry of the lease for want of a renewal has been logged since the last renewal. */
    private boolean expiryReported;

    private volatile State state = State.NEW;
    private volatile Instant expiresAt;
    private volatile Runnable lostListener = () -> { };

    /** A lease with {@link #DEFAULT_TTL} on the system clock. */
    public WorkerLease(String bootstrapServers, SchemaRegistryClient registry, String instanceId, int datacenterId,
                       int workerId) {
        this(bootstrapServers, registry, instanceId, datacenterId, workerId, DEFAULT_TTL, InstantSource.system());
    }

    /**
     * @param bootstrapServers the Kafka cluster holding the lease topic
     * @param registry         where the schema of the lease records is registered and read
     * @param instanceId       this instance's stable name, the same across restarts
     * @param datacenterId     0..{@value SnowflakeIdGenerator#MAX_DATACENTER_ID}
     * @param workerId         0..{@value SnowflakeIdGenerator#MAX_WORKER_ID}
     * @param ttl              how long the lease lasts without renewal; renewed every third of it
     * @param clock            the time source for expiry
     */
    public WorkerLease(String bootstrapServers, SchemaRegistryClient registry, String instanceId, int datacenterId,
                       int workerId, Duration ttl, InstantSource clock) {
        this(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), TOPIC, registry, Json.mapper(),
                instanceId, datacenterId, workerId, ttl, clock);
    }

    /**
     * @param clientConfig Kafka client settings (bootstrap servers, security) shared by the admin, producer and
     *                     consumer this lease creates
     * @param topic        the lease topic, {@link #TOPIC} unless leases must be kept apart, as in tests
     * @param json         reads the lease records earlier versions wrote in JSON
     */
    public WorkerLease(Map<String, Object> clientConfig, String topic, SchemaRegistryClient registry,
                       ObjectMapper json, String instanceId, int datacenterId, int workerId, Duration ttl,
                       InstantSource clock) {
        if (datacenterId < 0 || datacenterId > SnowflakeIdGenerator.MAX_DATACENTER_ID) {
            throw new IllegalArgumentException("datacenterId must be 0.." + SnowflakeIdGenerator.MAX_DATACENTER_ID
                    + ", got " + datacenterId);
        }
        if (workerId < 0 || workerId > SnowflakeIdGenerator.MAX_WORKER_ID) {
            throw new IllegalArgumentException("workerId must be 0.." + SnowflakeIdGenerator.MAX_WORKER_ID
                    + ", got " + workerId);
        }
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("instanceId must not be blank");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = Objects.requireNonNull(topic, "topic");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.claims = AvroSerde.forValue(registry, WorkerLeaseClaim.class);
        this.json = Objects.requireNonNull(json, "json");
        this.partition = new TopicPartition(topic, PARTITION);
        this.instanceId = instanceId;
        this.datacenterId = datacenterId;
        this.workerId = workerId;
        this.key = key(datacenterId, workerId);
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The spec of a lease topic: one partition, compacted, rolled hourly so compaction keeps it small. */
    public static TopicSpec topicSpec(String topic) {
        return TopicSpec.of(topic, 1)
                .compacted()
                .withConfig("segment.ms", Long.toString(Duration.ofHours(1).toMillis()));
    }

    /** The record key of a pair's lease. */
    public static String key(int datacenterId, int workerId) {
        return IdsTopics.leaseKey(datacenterId, workerId);
    }

    /**
     * Runs {@code listener} on the renewal thread if the lease is lost to another instance; from then on this
     * instance must stop issuing IDs with the pair. Set it before {@link #acquire()}.
     */
    public WorkerLease onLost(Runnable listener) {
        this.lostListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Takes the lease, creating the lease topic if needed, and starts renewing it. Returns at once if already held.
     * After a {@linkplain #onLost(Runnable) loss} it may be called again: it takes the lease once it is free or
     * expired.
     *
     * @return when the lease expires unless renewed
     * @throws WorkerIdConflictException if another live instance holds the pair or took it at the same time
     * @throws KafkaException            if Kafka cannot be reached in time
     * @throws IllegalStateException     if this lease was closed
     */
    public Instant acquire() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new IllegalStateException("Worker lease " + key + " is closed");
            }
            if (state == State.HELD) {
                return expiresAt;
            }
            try {
                try (TopicProvisioner provisioner = TopicProvisioner.connect(clientConfig)) {
                    provisioner.ensureTopics(topicSpec(topic));
                }
                openClients();
                catchUp();
                final Instant now = clock.instant();
                refuseIfHeldByOther(now);
                final Instant expiry = expiryFrom(now);
                final long offset = write(expiry);
                for (LeaseRecord record : catchUp()) {
                    // Before ours: its writer and this one did not see each other, so neither may assume it won.
                    if (record.offset() < offset || defeats(record, offset)) {
                        throw raceLost(record);
                    }
                }
                claim = offset;
                expiresAt = expiry;
                state = State.HELD;
            } catch (RuntimeException e) {
                closeClients();
                throw e;
            }
            startRenewal();
            log.info("Instance {} leased worker {} in datacenter {} until {}", instanceId, workerId, datacenterId,
                    expiresAt);
            return expiresAt;
        }
    }

    /** Whether the lease is held and, as far as this instance knows, not expired. */
    public boolean isHeld() {
        final Instant expiry = expiresAt;
        return state == State.HELD && expiry != null && clock.instant().isBefore(expiry);
    }

    /** When the lease expires unless renewed; {@code null} before it was first acquired. */
    public Instant expiresAt() {
        return expiresAt;
    }

    public String instanceId() {
        return instanceId;
    }

    public int datacenterId() {
        return datacenterId;
    }

    public int workerId() {
        return workerId;
    }

    /**
     * Stops renewing and releases the lease with a tombstone, unless another instance has taken it over since.
     * Safe to call more than once.
     */
    @Override
    public void close() {
        final State previous;
        final ScheduledExecutorService stopping;
        synchronized (lock) {
            previous = state;
            state = State.CLOSED;
            stopping = renewer;
            renewer = null;
        }
        if (stopping != null) {
            stopping.shutdown();
            try {
                stopping.awaitTermination(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            try {
                if (previous == State.HELD) {
                    release();
                }
            } catch (RuntimeException e) {
                log.warn("Could not release worker lease {}; it expires at {}", key, expiresAt, e);
            } finally {
                closeClients();
            }
        }
    }

    /** Renews now instead of waiting for the schedule. */
    void renewNow() {
        renew();
    }

    /** Returns false when the renewal could not be written, so it should be tried again soon. */
    private boolean renew() {
        synchronized (lock) {
            if (state != State.HELD) {
                return true;
            }
            try {
                for (LeaseRecord record : catchUp()) {
                    if (defeats(record, claim)) {
                        markLost(record);
                        return true;
                    }
                }
                final Instant expiry = expiryFrom(clock.instant());
                final long offset = write(expiry);
                for (LeaseRecord record : catchUp()) {
                    if (record.offset() != offset && defeats(record, record.offset() < offset ? claim : offset)) {
                        markLost(record);
                        return true;
                    }
                }
                claim = offset;
                expiresAt = expiry;
                expiryReported = false;
                log.debug("Renewed worker lease {} until {}", key, expiry);
                return true;
            } catch (KafkaException e) {
                log.warn("Could not renew worker lease {} (expires at {}); retrying in {} ms", key, expiresAt,
                        retryAfterFailedRenewal().toMillis(), e);
            } catch (RuntimeException e) {
                log.error("Unexpected failure renewing worker lease {}", key, e);
            }
            if (!isHeld() && !expiryReported) {
                expiryReported = true;
                log.error("Worker lease {} of instance {} expired at {} without a renewal; no IDs are issued until "
                        + "one succeeds", key, instanceId, expiresAt);
            }
            return false;
        }
    }

    private Duration retryAfterFailedRenewal() {
        final Duration tenth = ttl.dividedBy(10);
        return tenth.compareTo(RETRY_AFTER_FAILED_RENEWAL) < 0 ? tenth : RETRY_AFTER_FAILED_RENEWAL;
    }

    private void renewAndReschedule(ScheduledExecutorService on, Duration period) {
        final boolean renewed = renew();
        if (state != State.HELD) {
            return;
        }
        final Duration next = renewed ? period : retryAfterFailedRenewal();
        try {
            on.schedule(() -> renewAndReschedule(on, period), next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed or lost meanwhile: nothing more to renew
        }
    }

    private void refuseIfHeldByOther(Instant now) {
        if (latest == null || latest.isTombstone() || incarnation.equals(latest.incarnation())) {
            return;
        }
        // a restart after a crash may take its own instance's lease at once; a lease lost to another process
        // under the same instance ID waits for it to end like any other, or the two would take it in turns
        if (state == State.NEW && instanceId.equals(latest.holder())) {
            return;
        }
        if (latest.expiresAt() != null && !now.isBefore(latest.expiresAt())) {
            log.info("Taking over worker lease {} from {}, expired at {}", key, latest.holder(),
                    latest.expiresAt());
            return;
        }
        throw new WorkerIdConflictException(String.format(
                "Worker ID %d in datacenter %d is leased to instance '%s' until %s. Two instances with the same "
                        + "worker ID would generate duplicate IDs: give instance '%s' a different %s (0..%d), "
                        + "or wait for the lease to expire if '%s' is gone.",
                workerId, datacenterId, latest.holder(), latest.expiresAt(), instanceId, WORKER_ID_ENV,
                SnowflakeIdGenerator.MAX_WORKER_ID, latest.holder()),
                latest.holder(), latest.expiresAt());
    }

    private WorkerIdConflictException raceLost(LeaseRecord record) {
        final String other = record.isTombstone() ? "another process" : "instance '" + record.holder() + "'";
        return new WorkerIdConflictException(String.format(
                "Instance '%s' and %s tried to lease worker ID %d in datacenter %d at the same time; give each "
                        + "instance its own %s.",
                instanceId, other, workerId, datacenterId, WORKER_ID_ENV),
                record.holder(), record.expiresAt());
    }

    /**
     * Whether {@code record} ends this lease's claim at offset {@code claim}: it came later from another writer
     * who had read past the claim. A later record whose writer had not seen the claim loses its own race and
     * does not count. A tombstone or unreadable record cannot show what its writer saw, so it counts.
     */
    private boolean defeats(LeaseRecord record, long claim) {
        return record.offset() > claim
                && !incarnation.equals(record.incarnation())
                && (record.isTombstone() || record.basedOn() > claim);
    }

    private void release() {
        for (LeaseRecord record : catchUp()) {
            if (defeats(record, claim)) {
                log.info("Worker lease {} was taken over by {}; not releasing it", key, record.holder());
                return;
            }
        }
        await(producer.send(new ProducerRecord<>(topic, PARTITION, key, null)), "release");
        log.info("Instance {} released worker {} in datacenter {}", instanceId, workerId, datacenterId);
    }

    private void markLost(LeaseRecord current) {
        state = State.LOST;
        final String winner;
        if (current == null || current.isTombstone()) {
            winner = "a release by another process";
        } else if (instanceId.equals(current.holder())) {
            winner = "another process running as the same instance ID";
        } else {
            winner = "instance '" + current.holder() + "'";
        }
        log.error("Instance {} lost worker lease {} to {}; IDs must no longer be generated with this worker ID",
                instanceId, key, winner);
        final ScheduledExecutorService stopping = renewer;
        renewer = null;
        if (stopping != null) {
            stopping.shutdown();
        }
        try {
            lostListener.run();
        } catch (RuntimeException e) {
            log.error("Worker lease listener failed", e);
        }
    }

    /** When a lease written at {@code now} ends, to the millisecond its record keeps. */
    private Instant expiryFrom(Instant now) {
        return now.plus(ttl).truncatedTo(ChronoUnit.MILLIS);
    }

    private long write(Instant expiry) {
        final WorkerLeaseClaim claim = WorkerLeaseClaim.newBuilder()
                .setDatacenterId(datacenterId)
                .setWorkerId(workerId)
                .setHolder(instanceId)
                .setIncarnation(incarnation)
                .setExpiresAt(expiry)
                .setBasedOn(readEnd)
                .build();
        final byte[] value;
        try {
            value = claims.serialize(topic, claim);
        } catch (RuntimeException e) {
            // the registry is out of reach: like a broker out of reach, a reason to try again later
            throw new KafkaException("Worker lease " + key + " could not be encoded: " + e.getMessage(), e);
        }
        return await(producer.send(new ProducerRecord<>(topic, PARTITION, key, value)), "write").offset();
    }

    /** Reads the partition up to its current end; returns the records for this lease's key that it read. */
    private List<LeaseRecord> catchUp() {
        final long end = consumer.endOffsets(Set.of(partition), OPERATION_TIMEOUT).get(partition);
        final long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos();
        final List<LeaseRecord> seen = new ArrayList<>();
        while (consumer.position(partition, OPERATION_TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException("Timed out reading " + topic + " up to offset " + end);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_INTERVAL)) {
                if (key.equals(record.key())) {
                    latest = parse(record);
                    seen.add(latest);
                }
            }
        }
        readEnd = consumer.position(partition, OPERATION_TIMEOUT);
        return seen;
    }

    private void openClients() {
        if (consumer != null) {
            return;
        }
        final String clientId = "eventline-worker-lease-" + instanceId + "-" + key;
        final Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) OPERATION_TIMEOUT.toMillis());
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) OPERATION_TIMEOUT.toMillis() / 2);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) OPERATION_TIMEOUT.toMillis());
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());

        final Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.assign(Set.of(partition));
        consumer.seekToBeginning(Set.of(partition));
        latest = null;
        readEnd = 0;
    }

    private void closeClients() {
        if (producer != null) {
            producer.close(OPERATION_TIMEOUT);
            producer = null;
        }
        if (consumer != null) {
            consumer.close(CloseOptions.timeout(OPERATION_TIMEOUT));
            consumer = null;
        }
    }

    private void startRenewal() {
        renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "eventline-worker-lease-" + key);
            thread.setDaemon(true);
            return thread;
        });
        final ScheduledExecutorService on = renewer;
        final Duration period = Duration.ofMillis(Math.max(1, ttl.toMillis() / 3));
        on.schedule(() -> renewAndReschedule(on, period), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The lease record {@code record} holds: a claim in the wire format, or in JSON as earlier versions wrote it.
     *
     * @throws KafkaException if the schema of a claim cannot be read from the registry now
     */
    private LeaseRecord parse(ConsumerRecord<String, byte[]> record) {
        final byte[] value = record.value();
        if (value == null) {
            return new LeaseRecord(record.offset(), null, null, null, -1);
        }
        if (value.length > 0 && value[0] == WireFormat.MAGIC_BYTE) {
            return parseClaim(record.offset(), value);
        }
        if (value.length > 0 && value[0] == '{') {
            return parseJson(record.offset(), value);
        }
        return unreadable(record.offset(), value);
    }

    private LeaseRecord parseClaim(long offset, byte[] value) {
        try {
            // a schema that cannot be read now must not pass for a free pair: fail, and retry later
            registry.schemaById(WireFormat.schemaId(value));
        } catch (WireFormat.WireFormatException e) {
            return unreadable(offset, value);
        } catch (RuntimeException e) {
            throw new KafkaException("Worker lease record at offset " + offset + " cannot be read now: "
                    + e.getMessage(), e);
        }
        final WorkerLeaseClaim claim;
        try {
            claim = claims.deserialize(topic, value);
        } catch (RuntimeException e) {
            return unreadable(offset, value);
        }
        return new LeaseRecord(offset, claim.getHolder(), claim.getIncarnation(), claim.getExpiresAt(),
                claim.getBasedOn());
    }

    private LeaseRecord parseJson(long offset, byte[] value) {
        try {
            final JsonNode record = json.readTree(value);
            return new LeaseRecord(offset,
                    record.path("holder").asText(""),
                    record.path("incarnation").asText(""),
                    Instant.parse(record.path("expiresAt").asText()),
                    record.path("basedOn").asLong(-1));
        } catch (IOException | DateTimeException e) {
            return unreadable(offset, value);
        }
    }

    /** A record not written by a lease; it cannot stand for a live holder. */
    private static LeaseRecord unreadable(long offset, byte[] value) {
        log.warn("Ignoring unreadable worker lease record at offset {}: {}", offset,
                new String(value, StandardCharsets.UTF_8));
        return new LeaseRecord(offset, null, null, null, -1);
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            throw new KafkaException("Worker lease " + what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Worker lease " + what + " timed out after " + OPERATION_TIMEOUT, e);
        }
    }

    /**
     * One record of the lease topic for this key; a tombstone has no holder. {@code basedOn} is the end offset
     * of the topic as its writer last read it.
     */
    private record LeaseRecord(long offset, String holder, String incarnation, Instant expiresAt, long basedOn) {

        boolean isTombstone() {
            return holder == null;
        }
    }
}

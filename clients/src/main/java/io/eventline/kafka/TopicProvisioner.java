package io.eventline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics an application needs if they are missing, and warns about existing topics whose partition
 * count differs from what the application expects (keyed state and routing depend on it, and Kafka never changes
 * it by itself).
 *
 * <p>Safe to run from several instances at once: a topic created by a racing instance counts as present.
 */
public final class TopicProvisioner implements AutoCloseable {

    /** How long {@link #ensureTopics} waits for the cluster by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long POLL_MILLIS = 50;

    private final Admin admin;
    private final boolean ownsAdmin;
    private final Duration timeout;

    /** Uses the given client, which the caller keeps and closes. */
    public TopicProvisioner(Admin admin) {
        this(admin, DEFAULT_TIMEOUT);
    }

    /** Uses the given client, which the caller keeps and closes, waiting at most {@code timeout} per call. */
    public TopicProvisioner(Admin admin, Duration timeout) {
        this(admin, false, timeout);
    }

    private TopicProvisioner(Admin admin, boolean ownsAdmin, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.ownsAdmin = ownsAdmin;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** A provisioner with its own admin client, closed by {@link #close()}. */
    public static TopicProvisioner connect(String bootstrapServers) {
        return connect(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** A provisioner with its own admin client built from {@code adminConfig}, closed by {@link #close()}. */
    public static TopicProvisioner connect(Map<String, Object> adminConfig) {
        return new TopicProvisioner(Admin.create(adminConfig), true, DEFAULT_TIMEOUT);
    }

    /** See {@link #ensureTopics(Collection)}. */
    public Set<String> ensureTopics(TopicSpec... specs) {
        return ensureTopics(List.of(specs));
    }

    /**
     * Creates the topics that do not exist yet and waits until every listed topic has a leader for each of its
     * partitions. Topics that already exist are left alone apart from a partition-count check that logs a
     * warning on mismatch.
     *
     * @return the names of the topics this call created
     * @throws KafkaException if a topic cannot be created or does not become available in time
     */
    public Set<String> ensureTopics(Collection<TopicSpec> specs) {
        final Map<String, TopicSpec> byName = byName(specs);
        if (byName.isEmpty()) {
            return Set.of();
        }
        final Set<String> existing = await(admin.listTopics().names(), "list topics");
        final List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec spec : byName.values()) {
            if (!existing.contains(spec.name())) {
                missing.add(toNewTopic(spec));
            }
        }

        final Set<String> created = new TreeSet<>();
        if (!missing.isEmpty()) {
            final Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
            for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
                try {
                    await(result.getValue(), "create topic " + result.getKey());
                    created.add(result.getKey());
                } catch (KafkaException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    log.debug("Topic {} was created concurrently by another client", result.getKey());
                }
            }
        }

        final Map<String, TopicDescription> descriptions = awaitAvailable(byName.keySet());
        if (!created.isEmpty()) {
            log.info("Created topics {}", created);
        }
        final List<TopicSpec> preExisting = byName.values().stream()
                .filter(spec -> !created.contains(spec.name()))
                .toList();
        warnOnMismatch(preExisting, descriptions);
        return created;
    }

    /**
     * Compares the partition counts of existing topics with their specs and logs a warning for each difference.
     * Topics that do not exist are skipped.
     *
     * @return the differences found, empty if none
     */
    public List<PartitionMismatch> checkPartitions(Collection<TopicSpec> specs) {
        final Map<String, TopicSpec> byName = byName(specs);
        if (byName.isEmpty()) {
            return List.of();
        }
        final Set<String> existing = await(admin.listTopics().names(), "list topics");
        final List<TopicSpec> present = byName.values().stream()
                .filter(spec -> existing.contains(spec.name()))
                .toList();
        if (present.isEmpty()) {
            return List.of();
        }
        final Map<String, TopicDescription> descriptions = await(
                admin.describeTopics(present.stream().map(TopicSpec::name).toList()).allTopicNames(),
                "describe topics");
        return warnOnMismatch(present, descriptions);
    }

    /** Closes the admin client if this provisioner created it. */
    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close(timeout);
        }
    }

    /**
     * An existing topic whose partition count differs from its spec.
     *
     * @param topic    the topic name
     * @param expected the partition count in the spec
     * @param actual   the partition count in the cluster
     */
    public record PartitionMismatch(String topic, int expected, int actual) {
    }

    private static List<PartitionMismatch> warnOnMismatch(Collection<TopicSpec> specs,
                                                          Map<String, TopicDescription> descriptions) {
        final List<PartitionMismatch> mismatches = new ArrayList<>();
        for (TopicSpec spec : specs) {
            final TopicDescription description = descriptions.get(spec.name());
            if (description == null) {
                continue;
            }
            final int actual = description.partitions().size();
            if (actual != spec.partitions()) {
                log.warn("Topic {} has {} partitions but {} are expected; keys will not be spread as designed. "
                                + "Recreate the topic or change the expected count.",
                        spec.name(), actual, spec.partitions());
                mismatches.add(new PartitionMismatch(spec.name(), spec.partitions(), actual));
            }
        }
        return List.copyOf(mismatches);
    }

    private Map<String, TopicDescription> awaitAvailable(Set<String> names) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        KafkaException last = null;
        while (System.nanoTime() < deadline) {
            try {
                final Map<String, TopicDescription> descriptions =
                        await(admin.describeTopics(names).allTopicNames(), "describe topics");
                if (descriptions.values().stream().allMatch(TopicProvisioner::hasAllLeaders)) {
                    return descriptions;
                }
            } catch (KafkaException e) {
                // Metadata reaches brokers shortly after the controller creates a topic.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                last = e;
            }
            sleep(POLL_MILLIS);
        }
        throw new KafkaException("Topics " + names + " did not become available within " + timeout, last);
    }

    private static boolean hasAllLeaders(TopicDescription description) {
        return !description.partitions().isEmpty()
                && description.partitions().stream().map(TopicPartitionInfo::leader).allMatch(Objects::nonNull);
    }

    private static Map<String, TopicSpec> byName(Collection<TopicSpec> specs) {
        final Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            final TopicSpec previous = byName.putIfAbsent(spec.name(), spec);
            if (previous != null && !previous.equals(spec)) {
                throw new IllegalArgumentException("Conflicting specs for topic " + spec.name() + ": "
                        + previous + " and " + spec);
            }
        }
        return byName;
    }

    private static NewTopic toNewTopic(TopicSpec spec) {
        final Optional<Short> replication = spec.replicationFactor() == TopicSpec.BROKER_DEFAULT_REPLICATION
                ? Optional.empty()
                : Optional.of(spec.replicationFactor());
        return new NewTopic(spec.name(), Optional.of(spec.partitions()), replication).configs(spec.config());
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            throw new KafkaException("Failed to " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out after " + timeout + " trying to " + what, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }
}

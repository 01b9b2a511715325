package io.eventline.producers.load;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How the cluster's partitions stand: how many have fewer in-sync replicas than replicas, fewer than
 * {@code --min-insync}, or no leader. With {@code --until-in-sync} it prints a line a second until every
 * partition has all its replicas in sync, so a drill can tell when a restarted broker has caught up.
 */
@Command(name = "kafka-replicas", mixinStandardHelpOptions = true,
        description = "Count partitions with replicas out of sync (and without a leader) through the Admin API; "
                + "with --until-in-sync, a line a second until all are in sync (exit 1 if not within --timeout).")
final class KafkaReplicasCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers, loopback only")
    String bootstrap;

    @Option(names = "--min-insync", defaultValue = "2", paramLabel = "N",
            description = "the topics' min.insync.replicas, to count partitions that refuse acks=all writes "
                    + "(default ${DEFAULT-VALUE})")
    int minInsync;

    @Option(names = "--until-in-sync", description = "repeat once a second until every replica is in sync")
    boolean untilInSync;

    @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "D",
            description = "with --until-in-sync, how long to wait at most (default ${DEFAULT-VALUE})")
    Duration timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Partitions in all, with fewer in-sync replicas than replicas, below {@code minInsync}, without a leader. */
    record Standing(int partitions, int underReplicated, int belowMinInsync, int leaderless) {
        static Standing of(Collection<TopicDescription> topics, int minInsync) {
            int partitions = 0;
            int under = 0;
            int below = 0;
            int leaderless = 0;
            for (TopicDescription topic : topics) {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    partitions++;
                    if (partition.isr().size() < partition.replicas().size()) {
                        under++;
                    }
                    if (partition.isr().size() < Math.min(minInsync, partition.replicas().size())) {
                        below++;
                    }
                    if (partition.leader() == null || partition.leader().isEmpty()) {
                        leaderless++;
                    }
                }
            }
            return new Standing(partitions, under, below, leaderless);
        }

        String describe() {
            return String.format(Locale.ROOT, "partitions %d, under-replicated %d, below min.insync %d, "
                    + "without a leader %d", partitions, underReplicated, belowMinInsync, leaderless);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        final List<String> servers;
        try {
            servers = LoopbackTargets.kafkaBootstrap(bootstrap);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        final Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", servers));
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        final PrintWriter out = spec.commandLine().getOut();
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(config)) {
            while (true) {
                String line;
                Standing standing = null;
                try {
                    standing = standing(admin);
                    line = standing.describe();
                } catch (ExecutionException | TimeoutException e) {
                    line = "no answer: " + LatencyRecorder.failureName(e);
                }
                out.printf(Locale.ROOT, "%s  %s%n", Instant.now().truncatedTo(ChronoUnit.MILLIS), line);
                out.flush();
                final boolean inSync = standing != null && standing.underReplicated() == 0;
                if (!untilInSync || inSync) {
                    return standing != null && (inSync || !untilInSync) ? 0 : 1;
                }
                if (System.nanoTime() - deadline >= 0) {
                    return 1;
                }
                Thread.sleep(1_000);
            }
        }
    }

    private Standing standing(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        final Collection<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(10, TimeUnit.SECONDS);
        final Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames()
                .get(10, TimeUnit.SECONDS);
        return Standing.of(topics.values(), minInsync);
    }
}

package io.eventline.ops;

import io.eventline.platform.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples, every few seconds, how far each consumer group of the cluster is behind: its committed offset against
 * the end of each partition it committed on. Groups without members count too: a stopped application keeps its
 * committed offsets, and its lag grows as records arrive. Exports {@code eventline_consumer_group_lag_records
 * {group,topic,partition}} and {@code eventline_consumer_group_members{group}}, and keeps the total lag of each
 * group over a window for the ops page. When there are more than the caps, the cluster's own groups (those whose
 * names start with its application ID) are kept first, then the most lagging others, and within a group its most
 * lagging partitions, so a broker shared by many applications cannot grow the series without bound.
 */
public final class ConsumerGroupLag implements AutoCloseable {
    public static final String LAG_METRIC = "eventline.consumer.group.lag.records";
    public static final String MEMBERS_METRIC = "eventline.consumer.group.members";
    public static final Duration STEP = Duration.ofSeconds(5);
    public static final Duration WINDOW = Duration.ofMinutes(15);
    /** At most this many groups are listed and read per sample. */
    static final int MAX_GROUPS_READ = 500;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(4);
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupLag.class);

    private final Admin admin;
    private final String ownPrefix;
    private final Clock clock;
    private final Limits limits;
    private final MultiGauge lagGauge;
    private final MultiGauge membersGauge;
    private final Map<String, Deque<long[]>> history = new HashMap<>();
    private final ScheduledExecutorService sampler;
    private volatile View view;

    /**
     * How many groups and partition series are kept, and how long their history is.
     *
     * @param maxGroups     groups kept (the most lagging first)
     * @param maxPartitions partition series kept over all groups
     */
    public record Limits(int maxGroups, int maxPartitions, Duration step, Duration window) {
        public static final Limits DEFAULT = new Limits(100, 2000, STEP, WINDOW);
    }

    /** One partition's lag. */
    public record PartitionLag(String topic, int partition, long lag) {
    }

    /** One group: its total lag, members, the partitions it committed on, and its total lag over the window. */
    public record GroupLag(String group, long total, int members, List<PartitionLag> partitions,
                           List<long[]> history) {
    }

    /** The last sample, with each group's history, oldest point first. */
    public record View(long windowSeconds, long stepSeconds, long sampledAt, List<GroupLag> groups) {
    }

    /** @param ownPrefix what the names of the cluster's own groups start with: its application ID */
    public ConsumerGroupLag(Admin admin, String ownPrefix, MeterRegistry meters, Clock clock, Limits limits,
                            ScheduledExecutorService sampler) {
        this.admin = admin;
        this.ownPrefix = ownPrefix;
        this.clock = clock;
        this.limits = limits;
        this.sampler = sampler;
        this.lagGauge = MultiGauge.builder(LAG_METRIC)
                .description("Records a consumer group has not committed yet, per partition").register(meters);
        this.membersGauge = MultiGauge.builder(MEMBERS_METRIC)
                .description("Members of a consumer group (0 when it is stopped)").register(meters);
        this.view = new View(limits.window().toSeconds(), limits.step().toSeconds(), 0, List.of());
    }

    /** Samples on a thread of its own, every step, until closed. */
    public static ConsumerGroupLag start(Admin admin, String ownPrefix, MeterRegistry meters, Clock clock,
                                         Limits limits) {
        final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("consumer-group-lag"));
        final ConsumerGroupLag lag = new ConsumerGroupLag(admin, ownPrefix, meters, clock, limits, thread);
        thread.scheduleWithFixedDelay(lag::sampleQuietly, 0, limits.step().toMillis(), TimeUnit.MILLISECONDS);
        return lag;
    }

    /** The last sample. */
    public View view() {
        return view;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            // the schedule ends at the first throwable that leaves the task: log and carry on instead
            LOG.warn("Cannot sample the consumer groups' lag: {}", e.toString(), e);
        }
    }

    /** Reads every group's committed and end offsets once, and publishes the result. */
    synchronized void sample() throws Exception {
        final List<String> groups = get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).valid()).stream()
                .map(GroupListing::groupId).sorted().limit(MAX_GROUPS_READ).toList();
        final Map<String, Map<TopicPartition, Long>> committed = committedOffsets(groups);
        final Set<TopicPartition> partitions = committed.values().stream().flatMap(offsets -> offsets.keySet()
                .stream()).collect(Collectors.toSet());
        final Map<TopicPartition, Long> ends = endOffsets(partitions);
        final Map<String, Integer> members = members(groups);
        final List<GroupLag> sampled = new ArrayList<>();
        // a running group that has not committed yet (no input since it started) is shown too, without lag
        members.forEach((group, count) -> {
            if (count > 0) {
                committed.putIfAbsent(group, Map.of());
            }
        });
        committed.forEach((group, offsets) -> {
            final List<PartitionLag> lags = offsets.entrySet().stream()
                    .filter(entry -> ends.containsKey(entry.getKey()))
                    .map(entry -> new PartitionLag(entry.getKey().topic(), entry.getKey().partition(),
                            Math.max(0, ends.get(entry.getKey()) - entry.getValue())))
                    .sorted(Comparator.comparingLong(PartitionLag::lag).reversed()
                            .thenComparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition))
                    .toList();
            sampled.add(new GroupLag(group, lags.stream().mapToLong(PartitionLag::lag).sum(),
                    members.getOrDefault(group, 0), lags, List.of()));
        });
        publish(kept(sampled));
    }

    /** The cluster's own groups, then the most lagging others, and within them the most lagging partitions. */
    private List<GroupLag> kept(List<GroupLag> sampled) {
        final List<GroupLag> byLag = sampled.stream().sorted(Comparator.comparing(
                        (GroupLag group) -> !group.group().startsWith(ownPrefix))
                .thenComparing(Comparator.comparingLong(GroupLag::total).reversed())
                .thenComparing(GroupLag::group)).limit(limits.maxGroups()).toList();
        int left = limits.maxPartitions();
        final List<GroupLag> kept = new ArrayList<>();
        for (GroupLag group : byLag) {
            final List<PartitionLag> partitions = group.partitions().subList(0,
                    Math.min(left, group.partitions().size()));
            left -= partitions.size();
            kept.add(new GroupLag(group.group(), group.total(), group.members(), partitions, List.of()));
        }
        return kept;
    }

    private void publish(List<GroupLag> groups) {
        final long now = clock.millis();
        final long oldest = now - limits.window().toMillis();
        final Set<String> present = new HashSet<>();
        final List<GroupLag> withHistory = new ArrayList<>();
        for (GroupLag group : groups) {
            present.add(group.group());
            final Deque<long[]> points = history.computeIfAbsent(group.group(), unused -> new ArrayDeque<>());
            points.addLast(new long[] {now, group.total()});
            while (!points.isEmpty() && points.peekFirst()[0] < oldest) {
                points.removeFirst();
            }
            withHistory.add(new GroupLag(group.group(), group.total(), group.members(), group.partitions(),
                    List.copyOf(points)));
        }
        history.keySet().retainAll(present);
        lagGauge.register(groups.stream().flatMap(group -> group.partitions().stream().map(partition ->
                MultiGauge.Row.of(Tags.of("group", group.group(), "topic", partition.topic(), "partition",
                        Integer.toString(partition.partition())), partition.lag()))).toList(), true);
        membersGauge.register(groups.stream().map(group ->
                MultiGauge.Row.of(Tags.of("group", group.group()), group.members())).toList(), true);
        view = new View(limits.window().toSeconds(), limits.step().toSeconds(), now, List.copyOf(withHistory));
    }

    private Map<String, Map<TopicPartition, Long>> committedOffsets(List<String> groups) throws Exception {
        if (groups.isEmpty()) {
            return new LinkedHashMap<>();
        }
        final Map<String, ListConsumerGroupOffsetsSpec> specs = groups.stream().collect(Collectors.toMap(
                Function.identity(), unused -> new ListConsumerGroupOffsetsSpec(), (a, b) -> a, LinkedHashMap::new));
        final var result = admin.listConsumerGroupOffsets(specs);
        final Map<String, Map<TopicPartition, Long>> committed = new LinkedHashMap<>();
        for (String group : groups) {
            final Map<TopicPartition, OffsetAndMetadata> offsets;
            try {
                offsets = get(result.partitionsToOffsetAndMetadata(group));
            } catch (ExecutionException e) {
                // a group deleted since it was listed, or one this client may not read: left out this time
                continue;
            }
            final Map<TopicPartition, Long> known = new HashMap<>();
            offsets.forEach((partition, offset) -> {
                if (offset != null) {
                    known.put(partition, offset.offset());
                }
            });
            if (!known.isEmpty()) {
                committed.put(group, known);
            }
        }
        return committed;
    }

    private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> partitions) throws Exception {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        final ListOffsetsResult result = admin.listOffsets(partitions.stream().collect(Collectors.toMap(
                Function.identity(), unused -> OffsetSpec.latest())));
        final Map<TopicPartition, Long> ends = new HashMap<>();
        for (TopicPartition partition : partitions) {
            try {
                ends.put(partition, get(result.partitionResult(partition)).offset());
            } catch (ExecutionException e) {
                // a deleted topic's offsets stay committed until the group expires: it has no lag to show
            }
        }
        return ends;
    }

    private Map<String, Integer> members(List<String> groups) throws Exception {
        if (groups.isEmpty()) {
            return Map.of();
        }
        final Map<String, KafkaFuture<ConsumerGroupDescription>> described =
                admin.describeConsumerGroups(groups).describedGroups();
        final Map<String, Integer> members = new HashMap<>();
        for (Map.Entry<String, KafkaFuture<ConsumerGroupDescription>> group : described.entrySet()) {
            try {
                members.put(group.getKey(), get(group.getValue()).members().size());
            } catch (ExecutionException e) {
                members.put(group.getKey(), 0);
            }
        }
        return members;
    }

    private static <T> T get(KafkaFuture<T> future) throws ExecutionException, InterruptedException,
            TimeoutException {
        return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}

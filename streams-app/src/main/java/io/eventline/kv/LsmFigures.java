package io.eventline.kv;

import io.eventline.kv.StorePartitionFigures.BlockCacheCounts;
import io.eventline.kv.StorePartitionFigures.BloomFilterCounts;
import io.eventline.kv.StorePartitionFigures.Changelog;
import io.eventline.kv.StorePartitionFigures.Memtable;
import io.eventline.kv.StorePartitionFigures.Role;
import io.eventline.kv.StorePartitionFigures.SstFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the LSM figures of every kv store partition open on this instance. The memtable, SST bytes and pending
 * compaction come from the RocksDB properties Kafka Streams reports per store and task at the default recording
 * level; files per level, Bloom filter and block cache counters from {@link LsmProbes}; the role from the local
 * threads' tasks; the changelog's end offset and lag from {@link KafkaStreams#allLocalStorePartitionLags()}.
 */
public final class LsmFigures {
    private static final Logger LOG = LoggerFactory.getLogger(LsmFigures.class);
    static final String STATE_METRICS = "stream-state-metrics";
    static final String TASK_TAG = "task-id";
    static final String STORE_TAG = "rocksdb-state-id";
    static final String MEMTABLE_BYTES = "cur-size-all-mem-tables";
    static final String ACTIVE_ENTRIES = "num-entries-active-mem-table";
    static final String IMMUTABLE_ENTRIES = "num-entries-imm-mem-tables";
    static final String PENDING_COMPACTION_BYTES = "estimate-pending-compaction-bytes";
    static final String SST_BYTES = "total-sst-files-size";
    private static final Set<String> PROPERTIES = Set.of(MEMTABLE_BYTES, ACTIVE_ENTRIES, IMMUTABLE_ENTRIES,
            PENDING_COMPACTION_BYTES, SST_BYTES);

    private final LsmProbes probes;
    private final Path applicationStateDir;

    /**
     * @param applicationStateDir the application's own state directory, {@code <state.dir>/<application.id>},
     *                            under which each task keeps its stores
     */
    public LsmFigures(LsmProbes probes, Path applicationStateDir) {
        this.probes = probes;
        this.applicationStateDir = applicationStateDir.toAbsolutePath().normalize();
    }

    /**
     * The figures of the kv stores of {@code streams}, by store and partition. Asks the brokers for the changelogs'
     * end offsets; when they cannot answer, the figures come without them.
     */
    public List<StorePartitionFigures> collect(KafkaStreams streams) {
        final Set<String> standbyTasks = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            thread.standbyTasks().forEach(task -> standbyTasks.add(task.taskId().toString()));
        }
        return collect(streams.metrics(), standbyTasks, changelogs(streams));
    }

    /**
     * The figures from metrics as Kafka Streams reports them ({@link KafkaStreams#metrics()}, or a test driver's),
     * the tasks that are standbys here, and the changelog positions by store and partition.
     */
    public List<StorePartitionFigures> collect(Map<MetricName, ? extends Metric> metrics, Set<String> standbyTasks,
                                               Map<String, Map<Integer, Changelog>> changelogs) {
        final Map<StoreTask, Map<String, Long>> properties = new HashMap<>();
        metrics.forEach((name, metric) -> {
            final String store = name.tags().get(STORE_TAG);
            final String task = name.tags().get(TASK_TAG);
            if (STATE_METRICS.equals(name.group()) && PROPERTIES.contains(name.name()) && store != null
                    && store.startsWith(LsmProbes.STORE_PREFIX) && task != null
                    && metric.metricValue() instanceof Number value) {
                properties.computeIfAbsent(new StoreTask(store, task), key -> new HashMap<>())
                        .put(name.name(), value.longValue());
            }
        });
        final Map<Path, LsmReading> readings = probes.readings();
        final List<StorePartitionFigures> figures = new ArrayList<>();
        properties.forEach((storeTask, values) -> figures.add(figures(storeTask, values,
                readings.get(storeDir(storeTask)), standbyTasks, changelogs)));
        figures.sort(Comparator.comparing(StorePartitionFigures::store)
                .thenComparingInt(StorePartitionFigures::partition));
        return figures;
    }

    private StorePartitionFigures figures(StoreTask storeTask, Map<String, Long> values, LsmReading probed,
                                          Set<String> standbyTasks, Map<String, Map<Integer, Changelog>> changelogs) {
        final int partition = TaskId.parse(storeTask.task()).partition();
        final long sstBytes = values.getOrDefault(SST_BYTES, 0L);
        final Optional<LsmReading> reading = reading(storeTask.store(), probed, sstBytes);
        return new StorePartitionFigures(storeTask.store(), partition, storeTask.task(),
                standbyTasks.contains(storeTask.task()) ? Role.STANDBY : Role.ACTIVE,
                new Memtable(values.getOrDefault(MEMTABLE_BYTES, 0L),
                        values.getOrDefault(ACTIVE_ENTRIES, 0L) + values.getOrDefault(IMMUTABLE_ENTRIES, 0L)),
                new SstFiles(reading.map(LsmReading::levels).orElse(null), sstBytes),
                reading.map(r -> new BloomFilterCounts(r.bloomUseful(), r.bloomFalsePositives())).orElse(null),
                reading.map(r -> new BlockCacheCounts(r.blockCacheHits(), r.blockCacheMisses())).orElse(null),
                values.getOrDefault(PENDING_COMPACTION_BYTES, 0L),
                changelogs.getOrDefault(storeTask.store(), Map.of()).get(partition));
    }

    private Optional<LsmReading> reading(String store, LsmReading probed, long sstBytes) {
        if (probed == null && sstBytes == 0 && probes.instruments(store)) {
            // the instruments learn their directory from the first SST file; until then there is nothing to count
            return Optional.of(LsmReading.empty());
        }
        return Optional.ofNullable(probed);
    }

    private Path storeDir(StoreTask storeTask) {
        return applicationStateDir.resolve(storeTask.task()).resolve("rocksdb").resolve(storeTask.store());
    }

    private static Map<String, Map<Integer, Changelog>> changelogs(KafkaStreams streams) {
        final Map<String, Map<Integer, LagInfo>> lags;
        try {
            lags = streams.allLocalStorePartitionLags();
        } catch (KafkaException e) {
            LOG.debug("No changelog end offsets for the LSM figures", e);
            return Map.of();
        }
        final Map<String, Map<Integer, Changelog>> changelogs = new TreeMap<>();
        lags.forEach((store, partitions) -> partitions.forEach((partition, lag) -> changelogs
                .computeIfAbsent(store, key -> new TreeMap<>())
                .put(partition, new Changelog(lag.endOffsetPosition(), lag.offsetLag()))));
        return changelogs;
    }

    private record StoreTask(String store, String task) {
    }
}

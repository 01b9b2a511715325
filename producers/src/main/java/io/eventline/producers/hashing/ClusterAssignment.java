package io.eventline.producers.hashing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The task assignment as {@code GET /api/v1/admin/cluster} shows it: for both streams applications, each task's
 * active instance, its standbys and its stores.
 */
public record ClusterAssignment(List<Task> tasks) {

    /** One task: {@code <subtopology>_<partition>} of one application; {@code active} null while unassigned. */
    public record Task(String applicationId, String taskId, int subtopology, int partition, String active,
                       Set<String> standbys, List<String> stores) {

        /** The application and task, which name the same task in two assignments. */
        public String key() {
            return applicationId + "/" + taskId;
        }

        public boolean stateful() {
            return !stores.isEmpty();
        }
    }

    /** Reads the answer of {@code GET /api/v1/admin/cluster}. */
    public static ClusterAssignment parse(JsonNode cluster) {
        final List<Task> tasks = new ArrayList<>();
        for (JsonNode application : cluster.path("applications")) {
            final String applicationId = application.path("applicationId").asText();
            for (JsonNode task : application.path("tasks")) {
                final Set<String> standbys = new TreeSet<>();
                task.path("standbys").forEach(standby -> standbys.add(standby.asText()));
                final List<String> stores = new ArrayList<>();
                task.path("stores").forEach(store -> stores.add(store.asText()));
                tasks.add(new Task(applicationId, task.path("taskId").asText(), task.path("subtopology").asInt(),
                        task.path("partition").asInt(), task.path("active").isTextual()
                        ? task.path("active").asText() : null, standbys, stores));
            }
        }
        return new ClusterAssignment(List.copyOf(tasks));
    }

    /** Every instance that runs a task, active or standby, in name order. */
    public Set<String> instances() {
        final Set<String> instances = new TreeSet<>();
        for (Task task : tasks) {
            if (task.active() != null) {
                instances.add(task.active());
            }
            instances.addAll(task.standbys());
        }
        return instances;
    }

    /** Tasks by {@link Task#key()}. */
    public Map<String, Task> byKey() {
        final Map<String, Task> byKey = new LinkedHashMap<>();
        tasks.forEach(task -> byKey.put(task.key(), task));
        return byKey;
    }

    /** Tasks without an active instance (the group is rebalancing, or an instance just left). */
    public long unassigned() {
        return tasks.stream().filter(task -> task.active() == null).count();
    }

    /**
     * Standby replicas beyond {@code standbyReplicas} per task: the warm-up replicas Kafka Streams places on an
     * instance that is to take over a task once it has caught up.
     */
    public long warmups(int standbyReplicas) {
        return tasks.stream().mapToLong(task -> Math.max(0, task.standbys().size() - standbyReplicas)).sum();
    }

    /**
     * The stateful subtopologies' partition-to-active-instance maps, by {@code <applicationId>/<subtopology>}:
     * where a key of each subtopology lives (its partition is its hash modulo the subtopology's partition count).
     */
    public Map<String, String[]> activeBySubtopology() {
        final Map<String, Map<Integer, String>> partitions = new TreeMap<>();
        for (Task task : tasks) {
            if (task.stateful()) {
                partitions.computeIfAbsent(task.applicationId() + "/" + task.subtopology(), s -> new TreeMap<>())
                        .put(task.partition(), task.active());
            }
        }
        final Map<String, String[]> result = new TreeMap<>();
        partitions.forEach((subtopology, byPartition) -> {
            final String[] active = new String[byPartition.keySet().stream().mapToInt(Integer::intValue).max()
                    .orElse(-1) + 1];
            byPartition.forEach((partition, instance) -> active[partition] = instance);
            result.put(subtopology, active);
        });
        return result;
    }

    /**
     * Keys per instance if every stateful subtopology held the same keys, each where Kafka's default partitioner
     * puts it: a key counts once per subtopology, at the instance that runs its partition's task.
     */
    public Map<String, Long> keysPerInstance(KeyHashes keys) {
        final Map<String, Long> counts = new TreeMap<>();
        instances().forEach(instance -> counts.put(instance, 0L));
        for (String[] active : activeBySubtopology().values()) {
            for (int i = 0; i < keys.count(); i++) {
                final String instance = active[KeyHashes.partition(keys.hash(i), active.length)];
                if (instance != null) {
                    counts.merge(instance, 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    /**
     * The fraction of (key, stateful subtopology) pairs whose instance differs in {@code next}: the keys a scale
     * step moved, with Kafka's placement as the cluster actually ran it.
     */
    public double keysMovedTo(ClusterAssignment next, KeyHashes keys) {
        final Map<String, String[]> before = activeBySubtopology();
        final Map<String, String[]> after = next.activeBySubtopology();
        long pairs = 0;
        long moved = 0;
        for (Map.Entry<String, String[]> entry : after.entrySet()) {
            final String[] was = before.get(entry.getKey());
            if (was == null || was.length != entry.getValue().length) {
                continue;
            }
            for (int i = 0; i < keys.count(); i++) {
                final int partition = KeyHashes.partition(keys.hash(i), was.length);
                pairs++;
                if (!java.util.Objects.equals(was[partition], entry.getValue()[partition])) {
                    moved++;
                }
            }
        }
        return pairs == 0 ? 0 : (double) moved / pairs;
    }
}

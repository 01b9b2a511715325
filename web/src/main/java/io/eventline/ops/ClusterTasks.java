package io.eventline.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which instance runs each task of a streams application, active and standby, as this instance's copy of the
 * group's metadata says: every instance knows the whole assignment, so this needs no call to the others. The
 * topology's description maps each input partition to its task ({@code <subtopology>_<partition>}) and names
 * the task's stores.
 */
public final class ClusterTasks {
    private final String application;
    private final String applicationId;
    private final KafkaStreams streams;
    private final Map<String, Integer> subtopologyOfTopic = new HashMap<>();
    private final Map<Integer, List<String>> storesOfSubtopology = new HashMap<>();

    /**
     * @param application   {@code at-least-once} or {@code exactly-once}
     * @param applicationId the application's ID, which prefixes its internal topics
     */
    public ClusterTasks(String application, String applicationId, KafkaStreams streams,
                        TopologyDescription topology) {
        this.application = application;
        this.applicationId = applicationId;
        this.streams = streams;
        for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
            final Set<String> stores = new TreeSet<>();
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    source.topicSet().forEach(topic -> subtopologyOfTopic.put(topic, subtopology.id()));
                } else if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
            storesOfSubtopology.put(subtopology.id(), List.copyOf(stores));
        }
    }

    public String application() {
        return application;
    }

    public String applicationId() {
        return applicationId;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The base URL of the instance {@code host} names, as the ops view shows it. */
    public static String url(HostInfo host) {
        return "http://" + host.host() + ":" + host.port();
    }

    /** Every instance the application's group metadata names. */
    public List<HostInfo> hosts() {
        return clients().stream().map(StreamsMetadata::hostInfo).toList();
    }

    /** The group's metadata; none while the application is not running or rebalancing (starting, stopping). */
    private Collection<StreamsMetadata> clients() {
        try {
            return streams.metadataForAllStreamsClients();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** {@code {"application", "applicationId", "tasks": [...]}}, tasks in subtopology and partition order. */
    public ObjectNode describe(ObjectMapper json) {
        final Map<String, Task> tasks = new TreeMap<>((a, b) -> {
            final String[] x = a.split("_");
            final String[] y = b.split("_");
            final int bySubtopology = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
            return bySubtopology != 0 ? bySubtopology : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
        });
        for (StreamsMetadata client : clients()) {
            final String url = url(client.hostInfo());
            for (TopicPartition partition : client.topicPartitions()) {
                final Task task = taskOf(tasks, partition);
                if (task != null) {
                    task.topics.add(partition.topic());
                    if (task.active == null) {
                        task.active = url;
                    }
                }
            }
            for (TopicPartition partition : client.standbyTopicPartitions()) {
                final Task task = taskOf(tasks, partition);
                if (task != null) {
                    task.topics.add(partition.topic());
                    task.standbys.add(url);
                }
            }
        }
        final ObjectNode answer = json.createObjectNode().put("application", application)
                .put("applicationId", applicationId);
        final ArrayNode list = answer.putArray("tasks");
        tasks.forEach((id, task) -> {
            final ObjectNode node = list.addObject().put("taskId", id).put("subtopology", task.subtopology)
                    .put("partition", task.partition);
            if (task.active == null) {
                node.putNull("active");
            } else {
                node.put("active", task.active);
            }
            task.standbys.forEach(node.putArray("standbys")::add);
            task.topics.forEach(node.putArray("topics")::add);
            storesOfSubtopology.getOrDefault(task.subtopology, List.of()).forEach(node.putArray("stores")::add);
        });
        return answer;
    }

    private Task taskOf(Map<String, Task> tasks, TopicPartition partition) {
        Integer subtopology = subtopologyOfTopic.get(partition.topic());
        if (subtopology == null && partition.topic().startsWith(applicationId + "-")) {
            // the description names internal topics without the application ID the running topics carry
            subtopology = subtopologyOfTopic.get(partition.topic().substring(applicationId.length() + 1));
        }
        if (subtopology == null) {
            return null;
        }
        final int sub = subtopology;
        return tasks.computeIfAbsent(sub + "_" + partition.partition(), id -> new Task(sub, partition.partition()));
    }

    private static final class Task {
        final int subtopology;
        final int partition;
        final Set<String> topics = new TreeSet<>();
        final Set<String> standbys = new TreeSet<>();
        String active;

        Task(int subtopology, int partition) {
            this.subtopology = subtopology;
            this.partition = partition;
        }
    }

    /** The tasks of this instance's own threads, active and standby, by ID. */
    public Map<String, List<String>> localTasks() {
        final List<String> active = new ArrayList<>();
        final List<String> standby = new ArrayList<>();
        try {
            streams.metadataForLocalThreads().forEach(thread -> {
                thread.activeTasks().forEach(task -> active.add(task.taskId().toString()));
                thread.standbyTasks().forEach(task -> standby.add(task.taskId().toString()));
            });
        } catch (RuntimeException e) {
            // not running: no tasks to show
        }
        active.sort(null);
        standby.sort(null);
        return Map.of("active", active, "standby", standby);
    }
}

package io.eventline.producers.hashing;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What one scale step moved, between the assignment before it and after it: active tasks that changed instance,
 * standby replicas placed anew, and their state in bytes, a task's state being its stores' changelog partitions
 * (what a new owner restores from the brokers). An active task that moves to an instance that held its standby
 * restores only the standby's lag, not its state.
 */
public record TaskMovement(int tasks, int statefulTasks, int activeMoved, int activeMovedToStandby,
                           int standbyReplicas, int standbysNew, long stateBytes, long activeMovedBytes,
                           long restoredBytes) {

    /** The changelog topic of a store, as Kafka Streams names it. */
    public static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    /** The bytes of a task's state: the sizes of its stores' changelog partitions (absent ones count 0). */
    public static long bytesOf(ClusterAssignment.Task task, Map<TopicPartition, Long> changelogBytes) {
        long bytes = 0;
        for (String store : task.stores()) {
            bytes += changelogBytes.getOrDefault(
                    new TopicPartition(changelog(task.applicationId(), store), task.partition()), 0L);
        }
        return bytes;
    }

    public static TaskMovement between(ClusterAssignment before, ClusterAssignment after,
                                       Map<TopicPartition, Long> changelogBytes) {
        final Map<String, ClusterAssignment.Task> was = before.byKey();
        int tasks = 0;
        int stateful = 0;
        int activeMoved = 0;
        int toStandby = 0;
        int standbys = 0;
        int standbysNew = 0;
        long stateBytes = 0;
        long movedBytes = 0;
        long restored = 0;
        for (ClusterAssignment.Task task : after.tasks()) {
            tasks++;
            final long bytes = bytesOf(task, changelogBytes);
            stateBytes += bytes;
            if (task.stateful()) {
                stateful++;
            }
            final ClusterAssignment.Task old = was.get(task.key());
            final boolean moved = old != null && old.active() != null && task.active() != null
                    && !old.active().equals(task.active());
            if (moved) {
                activeMoved++;
                movedBytes += bytes;
                if (old.standbys().contains(task.active())) {
                    toStandby++;
                } else {
                    restored += bytes;
                }
            }
            for (String standby : task.standbys()) {
                standbys++;
                final boolean heldBefore = old != null && (old.standbys().contains(standby)
                        || standby.equals(old.active()));
                if (!heldBefore) {
                    standbysNew++;
                    restored += bytes;
                }
            }
        }
        return new TaskMovement(tasks, stateful, activeMoved, toStandby, standbys, standbysNew, stateBytes,
                movedBytes, restored);
    }

    public double activeMovedFraction() {
        return tasks == 0 ? 0 : (double) activeMoved / tasks;
    }

    public double activeMovedBytesFraction() {
        return stateBytes == 0 ? 0 : (double) activeMovedBytes / stateBytes;
    }
}

package io.eventline.producers.hashing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One scale step on a real cluster, from two {@code GET /api/v1/admin/cluster} answers (before and after): the
 * tasks and state bytes that moved, with the bytes read from the brokers' changelog partitions, and where the
 * same keys would be under Kafka's placement and under {@code hash % n}.
 */
@Command(name = "scale-step", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Tasks, state bytes and keys moved between two GET /api/v1/admin/cluster answers.")
public final class ScaleStepCommand implements Callable<Integer> {
    @Option(names = "--before", required = true, paramLabel = "FILE", description = "the answer before the step")
    Path before;

    @Option(names = "--after", required = true, paramLabel = "FILE", description = "the answer after the step")
    Path after;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "the cluster's brokers, to read the changelog partitions' sizes; without it bytes are 0")
    String bootstrap;

    @Option(names = "--standby-replicas", defaultValue = "1", paramLabel = "N",
            description = "the instances' EVENTLINE_STANDBY_REPLICAS; standbys beyond it are warm-ups "
                    + "(default ${DEFAULT-VALUE})")
    int standbyReplicas;

    @Option(names = "--keys", defaultValue = "100000", paramLabel = "N",
            description = "keys to place (default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--key-prefix", defaultValue = "user-", paramLabel = "PREFIX",
            description = "keys are PREFIX0, PREFIX1, ... (default ${DEFAULT-VALUE})")
    String keyPrefix;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (keys < 1 || keys > 10_000_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keys must be 1 to 10000000");
        }
        final ObjectMapper json = new ObjectMapper();
        final ClusterAssignment was = ClusterAssignment.parse(json.readTree(before.toFile()));
        final ClusterAssignment now = ClusterAssignment.parse(json.readTree(after.toFile()));
        final Map<TopicPartition, Long> bytes = bootstrap == null ? Map.of() : ChangelogBytes.read(bootstrap);
        final PrintWriter out = spec.commandLine().getOut();
        out.print(report(was, now, bytes, KeyHashes.of(keyPrefix, keys), standbyReplicas));
        out.flush();
        return 0;
    }

    static String report(ClusterAssignment was, ClusterAssignment now, Map<TopicPartition, Long> bytes,
                         KeyHashes hashes, int standbyReplicas) {
        final TaskMovement movement = TaskMovement.between(was, now, bytes);
        final int n = now.instances().size();
        final StringBuilder text = new StringBuilder();
        text.append(String.format(java.util.Locale.ROOT,
                "step           %d -> %d instances%n", was.instances().size(), n));
        text.append(String.format(java.util.Locale.ROOT,
                "tasks          %d (%d stateful); after the step %d unassigned, %d warm-up replicas%n",
                movement.tasks(), movement.statefulTasks(), now.unassigned(), now.warmups(standbyReplicas)));
        text.append(String.format(java.util.Locale.ROOT,
                "active moved   %d of %d = %.3f (1/n = %.3f); %d of them to the instance that held the task's "
                        + "standby%n", movement.activeMoved(), movement.tasks(), movement.activeMovedFraction(),
                1.0 / n, movement.activeMovedToStandby()));
        text.append(String.format(java.util.Locale.ROOT,
                "standbys       %d of %d standby replicas on an instance that held no copy before%n",
                movement.standbysNew(), movement.standbyReplicas()));
        text.append(String.format(java.util.Locale.ROOT,
                "state bytes    %,d in the changelogs; moved active tasks hold %,d = %.3f; restored from the "
                        + "brokers (moved actives without a standby there, new standbys) %,d = %.3f%n",
                movement.stateBytes(), movement.activeMovedBytes(), movement.activeMovedBytesFraction(),
                movement.restoredBytes(), movement.stateBytes() == 0 ? 0
                        : (double) movement.restoredBytes() / movement.stateBytes()));
        final double keysMoved = was.keysMovedTo(now, hashes);
        final double moduloMoved = ModuloPlacement.place(hashes, was.instances().size())
                .movedTo(ModuloPlacement.place(hashes, n));
        final Map<String, Long> keysPer = now.keysPerInstance(hashes);
        final Spread keySpread = Spread.of(keysPer.values().stream().mapToLong(Long::longValue).toArray());
        text.append(String.format(java.util.Locale.ROOT,
                "keys           %s: %.3f moved (hash %% n over them: %.3f); per instance max/mean %.3f, "
                        + "sd/mean %.3f%n", hashes.describe(), keysMoved, moduloMoved, keySpread.maxOverMean(),
                keySpread.sdOverMean()));
        final Map<String, long[]> per = new TreeMap<>();
        now.instances().forEach(instance -> per.put(instance, new long[3]));
        for (ClusterAssignment.Task task : now.tasks()) {
            final long taskBytes = TaskMovement.bytesOf(task, bytes);
            if (task.active() != null) {
                per.get(task.active())[0]++;
                per.get(task.active())[2] += taskBytes;
            }
            task.standbys().forEach(standby -> per.get(standby)[1]++);
        }
        final Spread activeSpread = Spread.of(per.values().stream().mapToLong(v -> v[0]).toArray());
        final Spread byteSpread = Spread.of(per.values().stream().mapToLong(v -> v[2]).toArray());
        text.append(String.format(java.util.Locale.ROOT,
                "per instance   active tasks max/mean %.3f; active state bytes max/mean %.3f%n",
                activeSpread.maxOverMean(), byteSpread.maxOverMean()));
        per.forEach((instance, v) -> text.append(String.format(java.util.Locale.ROOT,
                "  %-28s active %3d  standby %3d  active state %,14d bytes  keys %,d%n", instance, v[0], v[1], v[2],
                keysPer.getOrDefault(instance, 0L))));
        return text.toString();
    }
}

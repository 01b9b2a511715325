package io.eventline.producers.hashing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Chapter 5 simulated: the same keys placed by {@code hash % n}, by a hash ring with virtual nodes, and by Kafka
 * (key to partition by the default partitioner, partitions to instances), through scale steps; per step the
 * fraction of keys that move and the spread of keys over the instances. With {@code --observed}, also Kafka's
 * placement as a cluster actually assigned it, from {@code GET /api/v1/admin/cluster} answers.
 */
@Command(name = "hashing", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulate hash % n, a consistent-hash ring and Kafka's partitions over the same keys "
                + "through scale steps: keys moved per step and keys per instance (max/mean).")
public final class HashingCommand implements Callable<Integer> {
    @Option(names = "--keys", defaultValue = "100000", paramLabel = "N",
            description = "how many keys (default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--key-prefix", defaultValue = "user-", paramLabel = "PREFIX",
            description = "keys are PREFIX0, PREFIX1, ... (default ${DEFAULT-VALUE})")
    String keyPrefix;

    @Option(names = "--from", defaultValue = "2", paramLabel = "N",
            description = "instances before the first step (default ${DEFAULT-VALUE})")
    int from;

    @Option(names = "--to", defaultValue = "10", paramLabel = "N",
            description = "instances after the last step (default ${DEFAULT-VALUE})")
    int to;

    @Option(names = "--vnodes", split = ",", defaultValue = "1,8,100,256", paramLabel = "V",
            description = "virtual nodes per instance on the ring (default ${DEFAULT-VALUE})")
    List<Integer> vnodes;

    @Option(names = "--rings", defaultValue = "20", paramLabel = "R",
            description = "rings per virtual-node count, with other instance names; figures are their mean "
                    + "(default ${DEFAULT-VALUE})")
    int rings;

    @Option(names = "--partitions", split = ",", defaultValue = "6,12,24,48", paramLabel = "P",
            description = "partition counts for Kafka's placement (default ${DEFAULT-VALUE}; Eventline's is "
                    + "EVENTLINE_TOPIC_PARTITIONS, 6)")
    List<Integer> partitions;

    @Option(names = "--observed", paramLabel = "FILE",
            description = "a GET /api/v1/admin/cluster answer, one per scale step in order; repeat it")
    List<Path> observed = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (keys < 1 || keys > 10_000_000 || from < 1 || to <= from || to > 1_000 || rings < 1 || rings > 1_000
                || vnodes.stream().anyMatch(v -> v < 1 || v > 10_000)
                || partitions.stream().anyMatch(p -> p < 1 || p > 10_000)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keys 1..10000000, 1 <= --from < --to "
                    + "<= 1000, --rings 1..1000, --vnodes and --partitions 1..10000");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final KeyHashes hashes = KeyHashes.of(keyPrefix, keys);
        out.println("placement of " + hashes.describe() + "; every scheme starts from Kafka's key hash, "
                + "toPositive(murmur2(UTF-8 bytes))");
        out.println("a row is the step to n instances: 'moved' is the fraction of keys on another instance after "
                + "it (1/n is the least any balanced placement moves); keys per instance after it: max/mean, "
                + "min/mean and standard deviation/mean");
        out.println();
        out.println(header());
        print(out, "hash % n", ScaleSteps.modulo(hashes, from, to), false);
        for (int v : vnodes) {
            print(out, "ring, " + v + " vnode" + (v == 1 ? "" : "s"), ScaleSteps.ring(hashes, v, rings, from, to),
                    true);
        }
        for (int p : partitions) {
            print(out, "kafka, " + p + " partitions", ScaleSteps.kafka(hashes, p, from, to), false);
        }
        out.println();
        out.println("ring rows: the mean of " + rings + " rings (instances named differently); 'worst' is the "
                + "highest max/mean among them. kafka rows: key -> partition by the default partitioner, "
                + "partitions -> instances by the least-movement model (a newcomer takes floor(P/n) partitions "
                + "from the fullest instances)");
        if (observed.size() >= 1) {
            printObserved(out, hashes);
        }
        out.flush();
        return 0;
    }

    private void printObserved(PrintWriter out, KeyHashes hashes) throws IOException {
        final ObjectMapper json = new ObjectMapper();
        out.println();
        out.println("kafka as the cluster assigned it (active tasks of the stateful subtopologies; a key counts "
                + "once per subtopology, at the instance running its partition's task):");
        out.println(header());
        ClusterAssignment previous = null;
        for (Path file : observed) {
            final ClusterAssignment assignment = ClusterAssignment.parse(json.readTree(file.toFile()));
            final Map<String, Long> perInstance = assignment.keysPerInstance(hashes);
            final Spread spread = Spread.of(perInstance.values().stream().mapToLong(Long::longValue).toArray());
            final double moved = previous == null ? Double.NaN : previous.keysMovedTo(assignment, hashes);
            out.println(row("observed " + file.getFileName(), new ScaleSteps.Step(perInstance.size(), moved, spread,
                    spread.maxOverMean()), false));
            previous = assignment;
        }
    }

    private static String header() {
        return String.format(Locale.ROOT, "%-26s %3s %8s %7s %9s %9s %8s %7s", "placement", "n", "moved", "1/n",
                "max/mean", "min/mean", "sd/mean", "worst");
    }

    private static void print(PrintWriter out, String name, List<ScaleSteps.Step> steps, boolean worst) {
        steps.forEach(step -> out.println(row(name, step, worst)));
    }

    static String row(String name, ScaleSteps.Step step, boolean worst) {
        return String.format(Locale.ROOT, "%-26s %3d %8s %7.3f %9.3f %9.3f %8.3f %7s", name, step.instances(),
                Double.isNaN(step.moved()) ? "-" : String.format(Locale.ROOT, "%.3f", step.moved()),
                1.0 / step.instances(), step.spread().maxOverMean(), step.spread().minOverMean(),
                step.spread().sdOverMean(), worst ? String.format(Locale.ROOT, "%.3f", step.worstMaxOverMean())
                        : "");
    }
}

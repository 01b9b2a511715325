package io.eventline.producers.load;

import io.eventline.kv.ConflictPolicy;
import io.eventline.kv.Consistency;
import io.eventline.kv.KvClient;
import io.eventline.kv.KvException;
import io.eventline.kv.KvPutOptions;
import io.eventline.kv.KvQuotas;
import io.eventline.kv.KvSiblingsException;
import io.eventline.kv.KvValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The key-value store across two data centres, end to end: how long a write in one takes to be read in the other
 * while both take writes, then the link cut with both still writing the same keys, then the heal. It reports the
 * replication lag, the writes each side took while cut, the time from heal to both answering every key the same,
 * and checks that nothing acknowledged was lost: under siblings each side's last value of a key is one of its
 * siblings, under last-writer-wins the value kept is one of the two last ones. Finally it resolves every sibling
 * with a conditional write in one data centre and waits for the other to agree.
 */
@Command(name = "kv-two-dc", mixinStandardHelpOptions = true,
        description = "Drill the key-value store across two data centres (ops/two-dc.sh): replication lag, writes "
                + "on both sides of a cut link, time from heal to converged, nothing acknowledged lost; exit 1 if "
                + "a check fails.")
final class KvTwoDcDrillCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(10);

    @Option(names = "--a", required = true, paramLabel = "URL", description = "base URL of data centre a")
    String urlA;

    @Option(names = "--b", required = true, paramLabel = "URL", description = "base URL of data centre b")
    String urlB;

    @Option(names = "--cut-command", required = true, paramLabel = "CMD",
            description = "shell command that cuts the link, e.g. 'ops/two-dc.sh cut'")
    String cutCommand;

    @Option(names = "--heal-command", required = true, paramLabel = "CMD",
            description = "shell command that heals it, e.g. 'ops/two-dc.sh heal'")
    String healCommand;

    @Option(names = "--keys", defaultValue = "20", paramLabel = "N",
            description = "keys per namespace written on both sides while cut (default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--lag-samples", defaultValue = "100", paramLabel = "N",
            description = "writes per direction whose arrival on the other side is timed (default ${DEFAULT-VALUE})")
    int lagSamples;

    @Option(names = "--load", defaultValue = "20", paramLabel = "PER_SECOND",
            description = "writes per second each side takes to other keys while the lag is timed "
                    + "(default ${DEFAULT-VALUE})")
    double load;

    @Option(names = "--cut-rate", defaultValue = "8", paramLabel = "PER_SECOND",
            description = "rounds per second while cut, each a write to one key of each namespace on each side; "
                    + "under the platform's 20 writes/s per user (default ${DEFAULT-VALUE})")
    double cutRate;

    @Option(names = "--cut-for", defaultValue = "20s", converter = DurationConverter.class, paramLabel = "D",
            description = "how long both sides write while cut (default ${DEFAULT-VALUE})")
    Duration cutFor;

    @Option(names = "--converge-within", defaultValue = "180s", converter = DurationConverter.class,
            paramLabel = "D", description = "how long to wait for both sides to agree (default ${DEFAULT-VALUE})")
    Duration convergeWithin;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One side: its name and its client. */
    private record Side(String name, KvClient client) {
    }

    /** The last value each side had acknowledged for one key while cut. */
    private static final class LastWrites {
        final Map<String, String> bySide = new TreeMap<>();
    }

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final JwtTokens tokens = new JwtTokens(System.getenv(JwtTokens.SECRET_VARIABLE), Duration.ofHours(2));
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final String owner = "drill-" + run;
        // the background writes are another user's: the rate limiter counts writes per user
        final String loader = "drill-load-" + run;
        final Side a = new Side("a", new KvClient(LoopbackTargets.httpBaseOnThisMachine(urlA),
                tokens.issue(owner)));
        final Side b = new Side("b", new KvClient(LoopbackTargets.httpBaseOnThisMachine(urlB),
                tokens.issue(owner)));
        final String siblings = "drill-s-" + run;
        final String lww = "drill-l-" + run;
        final String background = "drill-load-" + run;
        a.client().createNamespace(siblings, KvQuotas.defaults(), ConflictPolicy.SIBLINGS);
        a.client().createNamespace(lww, KvQuotas.defaults(), ConflictPolicy.LAST_WRITER_WINS);
        final List<Side> loaders = List.of(
                new Side("a", new KvClient(LoopbackTargets.httpBaseOnThisMachine(urlA), tokens.issue(loader))),
                new Side("b", new KvClient(LoopbackTargets.httpBaseOnThisMachine(urlB), tokens.issue(loader))));
        loaders.get(0).client().createNamespace(background, KvQuotas.defaults(), ConflictPolicy.LAST_WRITER_WINS);
        final long seenAfter = awaitMillis(() -> b.client().namespace(lww).isPresent()
                && loaders.get(1).client().namespace(background).isPresent());
        out.printf(Locale.ROOT, "namespaces %s (siblings) and %s (last-writer-wins) created in a, seen in b after "
                + "%d ms%n", siblings, lww, seenAfter);

        out.printf(Locale.ROOT, "replication lag (a write acknowledged on one side until a read on the other "
                + "returns it), each side also taking %.0f writes/s:%n", load);
        final java.util.concurrent.ScheduledExecutorService writers =
                java.util.concurrent.Executors.newScheduledThreadPool(8);
        final java.util.concurrent.atomic.AtomicLong loadWrites = new java.util.concurrent.atomic.AtomicLong();
        if (load > 0) {
            // four writers a side, each a quarter of the rate: one waits for its answer before its next write
            for (int writer = 0; writer < 8; writer++) {
                final Side side = loaders.get(writer % 2);
                writers.scheduleAtFixedRate(() -> {
                    final long n = loadWrites.incrementAndGet();
                    try {
                        side.client().put(background, "load-" + side.name() + "-" + n % 100,
                                ("load-" + n).getBytes(StandardCharsets.UTF_8), "text/plain");
                    } catch (KvException e) {
                        loadWrites.decrementAndGet();
                    }
                }, writer * 10L, (long) (4_000_000 / load), TimeUnit.MICROSECONDS);
            }
        }
        final long loadStarted = System.nanoTime();
        try {
            out.println("  a -> b: " + lag(a, b, siblings));
            out.println("  b -> a: " + lag(b, a, siblings));
        } finally {
            writers.shutdownNow();
        }
        out.printf(Locale.ROOT, "  background writes acknowledged: %.1f/s on the two sides together%n",
                loadWrites.get() * 1e9 / (System.nanoTime() - loadStarted));

        run(cutCommand);
        out.printf(Locale.ROOT, "link cut; both sides write %d keys in each namespace for %s%n", keys, cutFor);
        final Map<String, LastWrites> last = new TreeMap<>();
        final Map<String, int[]> acknowledged = new TreeMap<>();
        final long cutStarted = System.nanoTime();
        final long deadline = cutStarted + cutFor.toNanos();
        int round = 0;
        while (System.nanoTime() < deadline) {
            final long due = cutStarted + (long) (round * 1e9 / cutRate);
            if (due > System.nanoTime()) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime()));
            }
            for (Side side : List.of(a, b)) {
                for (String namespace : List.of(siblings, lww)) {
                    final String key = "k" + round % keys;
                    final String value = side.name() + "-" + round;
                    final int[] counts = acknowledged.computeIfAbsent(side.name(), s -> new int[2]);
                    try {
                        side.client().put(namespace, key, value.getBytes(StandardCharsets.UTF_8), "text/plain");
                        last.computeIfAbsent(namespace + "/" + key, k -> new LastWrites()).bySide.put(side.name(),
                                value);
                        counts[0]++;
                    } catch (KvException e) {
                        counts[1]++;
                    }
                }
            }
            round++;
        }
        acknowledged.forEach((side, counts) -> out.printf(Locale.ROOT,
                "  %s acknowledged %d writes while cut, %d refused or unanswered%n", side, counts[0], counts[1]));

        run(healCommand);
        final long healed = System.nanoTime();
        final boolean converged = awaitConverged(a, b, last.keySet(), healed);
        final long convergedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
        final long passStarted = System.nanoTime();
        awaitConverged(a, b, last.keySet(), System.nanoTime());
        out.printf(Locale.ROOT, "link healed; %s after %d ms (one comparison of every key on both sides takes %d ms)%n",
                converged ? "both sides answer every key the same" : "NOT converged", convergedMs,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - passStarted));

        int lost = 0;
        int siblingKeys = 0;
        int bothWroteUnderLww = 0;
        for (Map.Entry<String, LastWrites> entry : last.entrySet()) {
            final String namespace = entry.getKey().substring(0, entry.getKey().indexOf('/'));
            final String key = entry.getKey().substring(namespace.length() + 1);
            final List<String> values = read(a, namespace, key);
            final List<String> expected = new ArrayList<>(entry.getValue().bySide.values());
            final boolean kept = namespace.equals(siblings) ? values.containsAll(expected)
                    : values.size() == 1 && expected.contains(values.get(0));
            if (!kept) {
                lost++;
                out.printf(Locale.ROOT, "  LOST: %s holds %s, last acknowledged %s%n", entry.getKey(), values,
                        entry.getValue().bySide);
            }
            if (values.size() > 1) {
                siblingKeys++;
            }
            if (namespace.equals(lww) && expected.size() == 2) {
                bothWroteUnderLww++;
            }
        }
        out.printf(Locale.ROOT, "%d keys written while cut: %d with siblings, %d lost acknowledged values%n",
                last.size(), siblingKeys, lost);
        out.printf(Locale.ROOT, "last-writer-wins: %d keys written on both sides, one version of each set aside "
                + "(kv.conflicts.v1)%n", bothWroteUnderLww);

        final long resolvedMs = resolveSiblings(a, b, siblings, last.keySet());
        out.printf(Locale.ROOT, "siblings resolved by a conditional write in a; b agreed after %d ms%n", resolvedMs);
        out.flush();
        return converged && lost == 0 && resolvedMs >= 0 ? 0 : 1;
    }

    /** Times {@code lagSamples} writes on {@code from} until {@code to} reads them; a summary line. */
    private String lag(Side from, Side to, String namespace) throws InterruptedException {
        final Histogram millis = new Histogram(3_600_000L, 3);
        for (int i = 0; i < lagSamples; i++) {
            final String key = "lag-" + from.name() + "-" + i % 10;
            final String value = from.name() + "-lag-" + i;
            from.client().put(namespace, key, value.getBytes(StandardCharsets.UTF_8), "text/plain");
            final long written = System.nanoTime();
            while (!read(to, namespace, key).contains(value)) {
                if (System.nanoTime() - written > convergeWithin.toNanos()) {
                    return "a write did not arrive within " + convergeWithin;
                }
                Thread.sleep(POLL.toMillis());
            }
            millis.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written)));
        }
        return String.format(Locale.ROOT, "%d writes, p50 %d ms, p99 %d ms, max %d ms (polled every %d ms)",
                millis.getTotalCount(), millis.getValueAtPercentile(50), millis.getValueAtPercentile(99),
                millis.getMaxValue(), POLL.toMillis());
    }

    /** The values of a key as {@code side} reads them: one, the siblings, or none. */
    private static List<String> read(Side side, String namespace, String key) {
        try {
            return side.client().get(namespace, key, Consistency.STRONG).map(KvValue::text).map(List::of)
                    .orElse(List.of());
        } catch (KvSiblingsException e) {
            return e.siblings().stream().map(KvValue::text).sorted().toList();
        } catch (KvException e) {
            return List.of("(" + e.status() + ")");
        }
    }

    private static Optional<String> etagOf(Side side, String namespace, String key) {
        try {
            return side.client().get(namespace, key, Consistency.STRONG).map(KvValue::etag);
        } catch (KvSiblingsException e) {
            return Optional.of(e.etag());
        } catch (KvException e) {
            return Optional.empty();
        }
    }

    private boolean awaitConverged(Side a, Side b, Iterable<String> keys, long since) throws InterruptedException {
        while (System.nanoTime() - since < convergeWithin.toNanos()) {
            boolean same = true;
            for (String path : keys) {
                final String namespace = path.substring(0, path.indexOf('/'));
                final String key = path.substring(namespace.length() + 1);
                if (!etagOf(a, namespace, key).equals(etagOf(b, namespace, key))
                        || !read(a, namespace, key).equals(read(b, namespace, key))) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return true;
            }
            Thread.sleep(POLL.toMillis());
        }
        return false;
    }

    /** Resolves every sibling of {@code namespace} in a; the time until b agrees on every key, or -1. */
    private long resolveSiblings(Side a, Side b, String namespace, Iterable<String> paths)
            throws InterruptedException {
        final List<String> resolved = new ArrayList<>();
        for (String path : paths) {
            if (!path.startsWith(namespace + "/")) {
                continue;
            }
            final String key = path.substring(namespace.length() + 1);
            try {
                a.client().get(namespace, key, Consistency.STRONG);
            } catch (KvSiblingsException e) {
                final String merged = String.join("+", e.siblings().stream().map(KvValue::text).sorted().toList());
                a.client().put(namespace, key, merged.getBytes(StandardCharsets.UTF_8), "text/plain",
                        KvPutOptions.none().ifMatch(e.etag()));
                resolved.add(path);
            }
        }
        final long since = System.nanoTime();
        return awaitConverged(a, b, resolved, since) ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) : -1;
    }

    private long awaitMillis(java.util.function.BooleanSupplier done) throws InterruptedException {
        final long started = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - started > convergeWithin.toNanos()) {
                throw new IllegalStateException("not seen within " + convergeWithin);
            }
            Thread.sleep(POLL.toMillis());
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static void run(String command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder("bash", "-c", command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("'" + command + "' exited with " + process.exitValue());
        }
    }
}

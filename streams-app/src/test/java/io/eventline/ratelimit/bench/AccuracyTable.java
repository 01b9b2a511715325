package io.eventline.ratelimit.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.bench.TopicReader;
import io.eventline.clients.EventProducer;
import io.eventline.feed.FeedTopics;
import io.eventline.operations.OperationTopics;
import io.eventline.ratelimit.DescriptorEntry;
import io.eventline.ratelimit.Limit;
import io.eventline.ratelimit.LimitAlgorithm;
import io.eventline.ratelimit.LimitAlgorithms;
import io.eventline.ratelimit.RateLimitAlgorithm;
import io.eventline.ratelimit.RateLimitCode;
import io.eventline.ratelimit.RateLimitDecision;
import io.eventline.ratelimit.RateLimitTopics;
import io.eventline.ratelimit.Verdict;
import io.eventline.shorturl.ShortUrlTopics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

/**
 * Feeds every rate-limiting algorithm the same burst pattern and prints, as Markdown, how many hits each admitted per
 * second and in its busiest one-second span. Deterministic: the pattern is fixed and so are the algorithms.
 * Run with {@code mvn -pl streams-app test-compile exec:java
 * -Dexec.mainClass=io.eventline.ratelimit.bench.AccuracyTable}.
 *
 * <p>With the argument {@code stream} (or {@code -Dratelimit.bench.args=stream}) the same pattern goes through the
 * real topology instead: the whole {@code EventlineTopology} with production's streams settings on an embedded
 * broker of this JVM, one rule per algorithm with the same limit, each hit a {@code RateLimitCheckRequested} whose
 * timestamp is the pattern's time plus a base that is a whole number of minutes (so windows aligned to the epoch
 * fall as in the pure run). The tables are printed from the decisions read back from {@code ratelimit.decisions.v1},
 * each compared with the pure algorithm's verdicts hit by hit.
 */
public final class AccuracyTable {

    private static final long REQUESTS = 10;
    private static final long UNIT = 1000;
    private static final long BURST = 10;

    private AccuracyTable() {
    }

    public static void main(String[] args) {
        // exec:java hands this module's exec:exec command line over as arguments, so the mode may come as a property
        final boolean stream = args.length > 0 && args[0].equals("stream")
                || "stream".equals(System.getProperty("ratelimit.bench.args"));
        final long[] pattern = pattern();
        System.out.printf(Locale.ROOT, "Limit %d per %d ms (token bucket capacity and leaking bucket queue: %d).%n",
                REQUESTS, UNIT, BURST);
        System.out.printf(Locale.ROOT, "Pattern, %d hits of 1: 30 spread over [900, 1000) ms, 30 over [1000, 1100) ms, "
                + "then 20 per second (one every 50 ms) over [2000, 5000) ms.%n"
                + "Accepted counts a hit when it is decided; released, when it leaves the leaking bucket's queue "
                + "(the same for the others). The busiest span is the one-second span [t, t + 1000) with the most.%n",
                pattern.length);
        if (stream) {
            System.exit(throughTheTopology(pattern) ? 0 : 1);
        }
        final List<String> summary = new ArrayList<>();
        for (final RateLimitAlgorithm kind : RateLimitAlgorithm.values()) {
            summary.add(table(kind, pattern));
        }
        System.out.printf("%n### Summary%n%n| algorithm | offered | accepted | busiest 1-s span accepted "
                + "| largest state (bytes) |%n|---|---:|---:|---:|---:|%n");
        summary.forEach(System.out::println);
    }

    private static long[] pattern() {
        final List<Long> times = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            times.add(900 + i * 100L / 30);
        }
        for (int i = 0; i < 30; i++) {
            times.add(1000 + i * 100L / 30);
        }
        for (long at = 2000; at < 5000; at += 50) {
            times.add(at);
        }
        return times.stream().mapToLong(Long::longValue).toArray();
    }

    /** The hits an algorithm admitted, when each was released, and the largest state it kept. */
    private record Outcome(List<Long> accepted, List<Long> released, int largestState) {
    }

    /** What the algorithm alone decides for the pattern. */
    private static Outcome decide(RateLimitAlgorithm kind, long[] pattern) {
        final Limit limit = new Limit(kind, REQUESTS, UNIT, BURST);
        final LimitAlgorithm algorithm = LimitAlgorithms.of(kind);
        final List<Long> accepted = new ArrayList<>();
        final List<Long> released = new ArrayList<>();
        byte[] state = null;
        int largestState = 0;
        for (final long at : pattern) {
            final Verdict verdict = algorithm.decide(state, at, 1, limit);
            if (verdict.allowed()) {
                accepted.add(at);
                released.add(at + verdict.delayMillis());
                state = verdict.state();
                largestState = Math.max(largestState, state.length);
            }
        }
        return new Outcome(accepted, released, largestState);
    }

    /** Prints the table of one algorithm and returns its summary row. */
    private static String table(RateLimitAlgorithm kind, long[] pattern) {
        final Outcome outcome = decide(kind, pattern);
        printTable(kind.toString(), kind, pattern, outcome.accepted(), outcome.released());
        final long busiest = busiestStart(outcome.accepted());
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |", kind, pattern.length,
                outcome.accepted().size(), count(outcome.accepted(), within(busiest)), outcome.largestState());
    }

    /** Prints the per-window table of one algorithm's accepted and released hits. */
    private static void printTable(String title, RateLimitAlgorithm kind, long[] pattern, List<Long> accepted,
                                   List<Long> released) {
        System.out.printf(Locale.ROOT, "%n### %s%n%n| window (ms) | offered | accepted | released |%n"
                + "|---|---:|---:|---:|%n", title);
        final long end = Math.max(pattern[pattern.length - 1], released.get(released.size() - 1));
        for (long start = 0; start <= end; start += UNIT) {
            row("[" + start + ", " + (start + UNIT) + ")", start, pattern, accepted, released);
        }
        final long busiest = busiestStart(accepted);
        row("busiest span of accepted [" + busiest + ", " + (busiest + UNIT) + ")", busiest, pattern, accepted,
                released);
        if (kind == RateLimitAlgorithm.LEAKING_BUCKET) {
            final long busiestOut = busiestStart(released);
            row("busiest span of released [" + busiestOut + ", " + (busiestOut + UNIT) + ")", busiestOut, pattern,
                    accepted, released);
        }
    }

    /**
     * Sends the pattern, once per algorithm, through the topology on an embedded broker; prints the tables of the
     * decisions that come back and whether each algorithm's are the pure run's. True if all are.
     */
    private static boolean throughTheTopology(long[] pattern) {
        final String domain = "accuracy";
        final StringBuilder config = new StringBuilder("{\"descriptors\": [");
        for (final RateLimitAlgorithm kind : RateLimitAlgorithm.values()) {
            final String name = kind.name().toLowerCase(Locale.ROOT);
            config.append(kind.ordinal() == 0 ? "" : ", ").append("{\"key\": \"algorithm\", \"value\": \"")
                    .append(name).append("\", \"descriptors\": [{\"key\": \"run\", \"name\": \"accuracy-")
                    .append(name).append("\", \"rate_limit\": {\"unit\": \"second\", \"requests_per_unit\": ")
                    .append(REQUESTS).append(", \"algorithm\": \"").append(name).append("\", \"burst\": ")
                    .append(BURST).append("}}]}");
        }
        config.append("]}");
        // a whole number of minutes, ahead of the clock: windows fall as in the pure run, and nothing the checks
        // write is due for the limiter's wall-clock sweep while the run lasts
        final long base = (System.currentTimeMillis() / 60_000 + 2) * 60_000;
        System.out.printf(Locale.ROOT, "%nThrough the topology: EventlineTopology with production's streams settings"
                + " on an embedded broker (6 partitions), rules of domain '%s' %s%n"
                + "Each hit is a check [algorithm=<name>, run=table] with timestamp %s + the pattern's time (base %d ms"
                + " since the epoch, %d minutes); the tables below count the decisions read back from %s.%n",
                domain, config, Instant.ofEpochMilli(base), base, base / 60_000, RateLimitTopics.DECISIONS.name());
        final Map<String, RateLimitDecision> decisions = new ConcurrentHashMap<>();
        final int expected = pattern.length * RateLimitAlgorithm.values().length;
        try (BenchBroker broker = BenchBroker.start("ratelimit", false, ShortUrlTopics.ALL, FeedTopics.ALL, RateLimitTopics.ALL,
                OperationTopics.ALL);
             StreamsUnderTest app = StreamsUnderTest.eventline(broker).start();
             EventProducer producer = new EventProducer(broker.bootstrap(), "bench-web", broker.serdes().registry())) {
            Checks.publish(producer, broker, Checks.parse(domain, config.toString()),
                    descriptor(RateLimitAlgorithm.TOKEN_BUCKET, "probe"));
            try (TopicReader<RateLimitDecision> watcher = TopicReader.latest(broker, RateLimitTopics.DECISIONS.name(),
                    broker.serdes().of(RateLimitDecision.class).deserializer(),
                    (decision, nanos) -> decisions.put(decision.getCheckId(), decision))) {
                for (final RateLimitAlgorithm kind : RateLimitAlgorithm.values()) {
                    for (int i = 0; i < pattern.length; i++) {
                        producer.send(RateLimitTopics.CHECKS, Checks.check(requestId(kind, i), domain, descriptor(kind, "table"),
                                Instant.ofEpochMilli(base + pattern[i])));
                    }
                }
                producer.flush();
                Bench.await("every decision", 120_000, 10, () -> {
                    app.check();
                    return decisions.keySet().stream().filter(id -> id.startsWith("accuracy-")).count() >= expected;
                });
            }
        }
        boolean allIdentical = true;
        final List<String> summary = new ArrayList<>();
        for (final RateLimitAlgorithm kind : RateLimitAlgorithm.values()) {
            final List<Long> accepted = new ArrayList<>();
            final List<Long> released = new ArrayList<>();
            for (int i = 0; i < pattern.length; i++) {
                final RateLimitDecision decision = decisions.get(requestId(kind, i) + "#0");
                if (decision.getCode() == RateLimitCode.OK) {
                    accepted.add(pattern[i]);
                    released.add(pattern[i] + decision.getDelayMillis());
                }
            }
            printTable(kind + " through the topology", kind, pattern, accepted, released);
            final Outcome pure = decide(kind, pattern);
            final boolean identical = pure.accepted().equals(accepted) && pure.released().equals(released);
            allIdentical &= identical;
            System.out.printf(Locale.ROOT, "%nSame hits admitted, at the same times and with the same delays, as the"
                    + " algorithm alone: %s%n", identical ? "yes" : "NO (pure run admitted " + pure.accepted() + ")");
            final long busiest = busiestStart(accepted);
            summary.add(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |", kind, pattern.length,
                    accepted.size(), count(accepted, within(busiest)), identical ? "yes" : "**no**"));
        }
        System.out.printf("%n### Summary through the topology%n%n| algorithm | offered | accepted "
                + "| busiest 1-s span accepted | identical to the algorithm alone |%n|---|---:|---:|---:|---|%n");
        summary.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%nDecisions read: %d of %d; rules applied to them: %s%n", decisions.keySet()
                .stream().filter(id -> id.startsWith("accuracy-")).count(), expected, decisions.values().stream()
                .filter(d -> d.getCheckId().startsWith("accuracy-") && d.getRule() != null)
                .map(d -> d.getRule().getName()).distinct().sorted().collect(Collectors.joining(", ")));
        return allIdentical;
    }

    private static String requestId(RateLimitAlgorithm kind, int index) {
        return "accuracy-" + kind.name().toLowerCase(Locale.ROOT) + "-" + index;
    }

    private static List<DescriptorEntry> descriptor(RateLimitAlgorithm kind, String run) {
        return List.of(new DescriptorEntry("algorithm", kind.name().toLowerCase(Locale.ROOT)),
                new DescriptorEntry("run", run));
    }

    private static void row(String label, long start, long[] pattern, List<Long> accepted, List<Long> released) {
        final LongPredicate span = within(start);
        final long offered = Arrays.stream(pattern).filter(span).count();
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d |%n", label, offered, count(accepted, span),
                count(released, span));
    }

    /** The earliest start of a one-second span holding the most of {@code times}; a busiest span starts at a time. */
    private static long busiestStart(List<Long> times) {
        long best = times.get(0);
        long bestCount = 0;
        for (final long start : times) {
            final long count = count(times, within(start));
            if (count > bestCount) {
                best = start;
                bestCount = count;
            }
        }
        return best;
    }

    private static LongPredicate within(long start) {
        return at -> at >= start && at < start + UNIT;
    }

    private static long count(List<Long> times, LongPredicate span) {
        return times.stream().filter(span::test).count();
    }
}

package io.eventline.producers.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What every HTTP load command shares: the target, open loop ({@code --rate}) or closed loop
 * ({@code --concurrency}), the run's length, and the report. A subclass says which request number {@code i} is.
 */
abstract class HttpLoadCommand implements Callable<Integer> {
    static final Duration MAX_DURATION = Duration.ofHours(1);
    static final Duration MAX_WARMUP = Duration.ofMinutes(10);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    static final int MAX_CONNECTIONS = 1_024;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "base URL of the instance, e.g. http://localhost:8080 (loopback hosts only)")
    String url;

    @Option(names = "--rate", paramLabel = "PER_SECOND",
            description = "open loop: send this many requests per second on a fixed schedule")
    Double rate;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "closed loop: keep N requests in flight, to find the highest throughput")
    Integer concurrency;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "D",
            description = "how long to measure, after the warm-up (default ${DEFAULT-VALUE}; at most 1h)")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "D",
            description = "load that is sent first and not measured (default ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--connections", defaultValue = "64", paramLabel = "N",
            description = "open loop: at most N requests in flight, each on its own connection "
                    + "(default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "D",
            description = "per request; a request that takes longer counts as failed (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--percentiles", description = "also print the full latency distribution")
    boolean percentiles;

    @Option(names = "--interval", converter = DurationConverter.class, paramLabel = "D",
            description = "also print rate and latency of each interval of D (at least 1s), warm-up included")
    Duration interval;

    @Option(names = "--timeline",
            description = "also print, after the run, the answers of each second by status class (2xx, 3xx, 4xx, "
                    + "5xx, errors without an answer) and how many were marked Eventline-Stale: true")
    boolean timeline;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** What else sees each answer of the run; none unless a subclass adds some. */
    ResponseObserver observer() throws IOException {
        return ResponseObserver.NONE;
    }

    /** Whether the observer needs the answers' bodies. */
    boolean readBodies() {
        return false;
    }

    /** Called once the run is over, to close the observer and report on it; the exit code is the result. */
    int finish(PrintWriter out, int exitCode) throws IOException {
        return exitCode;
    }

    /** The method and path shown in the report, e.g. {@code POST /api/v1/urls}. */
    abstract String describeRequests();

    /** Checks this command's own options; throw {@link IllegalArgumentException} to reject them. */
    void validate() {
    }

    /** Request number {@code index}, against {@code base}; the builder already carries the timeout. */
    abstract HttpRequest request(URI base, long index, HttpRequest.Builder builder);

    @Override
    public Integer call() throws InterruptedException {
        final URI base;
        try {
            base = LoopbackTargets.httpBase(url);
            checkOptions();
            validate();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("eventline-load " + spec.name());
        out.printf(Locale.ROOT, "%-12s %s at %s%n", "target", describeRequests(), base);
        out.printf(Locale.ROOT, "%-12s %s%n", "load", describeLoad());
        out.printf(Locale.ROOT, "%-12s %s%n", "started", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.flush();
        final ProcessCpu cpu = ProcessCpu.start();
        final LoadResult result;
        final StatusTimeline statuses = timeline ? StatusTimeline.startingNow(System::nanoTime) : null;
        final ResponseObserver observer;
        try {
            observer = statuses == null ? observer()
                    : ResponseObserver.all(List.of(statuses, observer()));
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.toString(), e);
        }
        try (HttpLoadRunner runner = new HttpLoadRunner(timeout, observer, readBodies());
             IntervalPrinter intervals = new IntervalPrinter(out)) {
            final Consumer<LatencyRecorder> started = recorder -> {
                if (interval != null) {
                    intervals.start(recorder, interval);
                }
            };
            if (rate != null) {
                result = runner.openLoop(new FixedRateSchedule(rate, warmup, duration), connections,
                        i -> request(base, i, builder()), started);
            } else {
                result = runner.closedLoop(concurrency, warmup, duration, i -> request(base, i, builder()), started);
            }
        }
        out.print(LoadReport.format(result, "status",
                rate != null ? "from intended send time" : "from send, closed loop", percentiles));
        cpu.report().ifPresent(text -> out.printf(Locale.ROOT, "%-12s %s%n", "client cpu", text));
        if (statuses != null) {
            out.printf(Locale.ROOT, "%ntimeline: answers per second by the second they ended, from %s (epoch ms %d)%n",
                    statuses.start(), statuses.start().toEpochMilli());
            out.println(StatusTimeline.HEADER);
            statuses.lines().forEach(out::println);
        }
        final int exitCode;
        try {
            exitCode = finish(out, result.measuredOutcomes() > 0 ? 0 : 1);
        } catch (IOException e) {
            out.println("failed       " + e);
            out.flush();
            return 1;
        }
        out.flush();
        return exitCode;
    }

    private HttpRequest.Builder builder() {
        return HttpRequest.newBuilder().timeout(timeout).header("User-Agent", "eventline-load");
    }

    private void checkOptions() {
        if ((rate == null) == (concurrency == null)) {
            throw new IllegalArgumentException(
                    "give exactly one of --rate (open loop) and --concurrency (closed loop)");
        }
        if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONNECTIONS)) {
            throw new IllegalArgumentException("--concurrency must be 1 to " + MAX_CONNECTIONS);
        }
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("--connections must be 1 to " + MAX_CONNECTIONS);
        }
        if (duration.isZero() || duration.isNegative() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("--duration must be above 0 and at most 1h");
        }
        if (warmup.isNegative() || warmup.compareTo(MAX_WARMUP) > 0) {
            throw new IllegalArgumentException("--warmup must be 0 to 10m");
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("--timeout must be above 0 and at most 5m");
        }
        if (interval != null && interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--interval must be at least 1s");
        }
        if (rate != null && !(rate > 0 && rate <= FixedRateSchedule.MAX_RATE)) {
            throw new IllegalArgumentException(
                    "--rate must be above 0 and at most " + (long) FixedRateSchedule.MAX_RATE);
        }
    }

    private String describeLoad() {
        final String times = " for " + DurationConverter.format(duration) + " after a "
                + DurationConverter.format(warmup) + " warm-up";
        if (rate != null) {
            return String.format(Locale.ROOT, "open loop, %s/s%s, at most %d connections",
                    rate == Math.rint(rate) ? Long.toString(rate.longValue()) : rate.toString(), times, connections);
        }
        return "closed loop, " + concurrency + " in flight" + times;
    }
}

package io.eventline.producers.load;

import io.eventline.clients.EventProducer;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.shorturl.ShortUrlRequested;
import io.eventline.shorturl.ShortUrlTopics;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sends {@code ShortUrlRequested} events straight to Kafka through {@link EventProducer}, as fast as the producer
 * takes them, and reports how many the broker acknowledged per second. The running instance processes them like
 * requests made over HTTP, so each creates a link for {@code --user}. Registering the event's schema takes the
 * registry's credentials, read from {@value #USER_INFO_VARIABLE} as Eventline's own client reads them.
 */
@Command(name = "kafka-produce", mixinStandardHelpOptions = true,
        description = "Produce ShortUrlRequested events through EventProducer and report the acknowledged rate.")
final class KafkaProduceCommand implements Callable<Integer> {
    static final int MAX_COUNT = 10_000_000;
    static final String USER_INFO_VARIABLE = "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers, loopback only (default ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--registry", defaultValue = "http://localhost:8081", paramLabel = "URL",
            description = "schema registry URL, loopback only (default ${DEFAULT-VALUE})")
    String registry;

    @Option(names = "--count", defaultValue = "100000", paramLabel = "N",
            description = "events to send after the first one (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--user", defaultValue = "load-kafka", paramLabel = "USER",
            description = "the user the events are made for (default ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--datacenter-id", defaultValue = "31", paramLabel = "ID",
            description = "Snowflake datacenter ID of the event IDs; keep it apart from the instance's (default 31)")
    int datacenterId;

    @Option(names = "--worker-id", defaultValue = "31", paramLabel = "ID",
            description = "Snowflake worker ID of the event IDs (default ${DEFAULT-VALUE})")
    int workerId;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "D",
            description = "how long to wait for all acknowledgements (default ${DEFAULT-VALUE}; at most 10m)")
    Duration timeout;

    @Option(names = "--percentiles", description = "also print the full acknowledgement latency distribution")
    boolean percentiles;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Reads the registry's credentials; a test swaps it. */
    Function<String, String> environment = System::getenv;

    @Override
    public Integer call() throws InterruptedException {
        final URI registryUrl;
        final SnowflakeIdGenerator ids;
        final Optional<String> userInfo;
        try {
            LoopbackTargets.kafkaBootstrap(bootstrap);
            registryUrl = LoopbackTargets.httpBase(registry);
            userInfo = Optional.ofNullable(environment.apply(USER_INFO_VARIABLE)).filter(value -> !value.isBlank());
            if (userInfo.isPresent() && userInfo.get().indexOf(':') < 1) {
                throw new IllegalArgumentException(USER_INFO_VARIABLE + " must be user:password");
            }
            if (count < 1 || count > MAX_COUNT) {
                throw new IllegalArgumentException("--count must be 1 to " + MAX_COUNT);
            }
            if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("--timeout must be above 0 and at most 10m");
            }
            ids = new SnowflakeIdGenerator(datacenterId, workerId);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final String run = Long.toString(System.currentTimeMillis(), 36);
        out.println("eventline-load kafka-produce");
        out.printf(Locale.ROOT, "%-12s ShortUrlRequested to %s, registry %s%n", "target", bootstrap, registryUrl);
        out.printf(Locale.ROOT, "%-12s %d events as fast as the producer takes them (acks=all, idempotent)%n",
                "load", count);
        out.printf(Locale.ROOT, "%-12s %s%n", "started", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.flush();
        try (EventProducer producer = new EventProducer(bootstrap, "eventline-load-" + run,
                new HttpSchemaRegistryClient(registryUrl.toString(), Duration.ofSeconds(10), userInfo))) {
            // the first send also fetches metadata and registers the schema; it is timed apart from the rest
            final long firstStart = System.nanoTime();
            try {
                producer.send(ShortUrlTopics.REQUESTS, event(ids, run, -1)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                out.printf(Locale.ROOT, "%-12s the first event was not acknowledged: %s%n", "failed",
                        LatencyRecorder.failureName(e));
                return 1;
            }
            out.printf(Locale.ROOT, "%-12s %s ms (metadata and schema registration)%n", "first event",
                    LoadReport.millis((System.nanoTime() - firstStart) / 1e6));
            final ProcessCpu cpu = ProcessCpu.start();
            final LoadResult result = sendAll(producer, ids, run);
            out.print(LoadReport.format(result, "outcome", "send to acknowledgement", percentiles));
            cpu.report().ifPresent(text -> out.printf(Locale.ROOT, "%-12s %s%n", "client cpu", text));
            out.flush();
            return result.measuredFailures() == 0 && result.unfinished() == 0 ? 0 : 1;
        }
    }

    private LoadResult sendAll(EventProducer producer, SnowflakeIdGenerator ids, String run)
            throws InterruptedException {
        final CountDownLatch acked = new CountDownLatch(count);
        final LatencyRecorder recorder = new LatencyRecorder(System.nanoTime());
        for (int i = 0; i < count; i++) {
            final long sentAt = System.nanoTime();
            recorder.sent(0);
            producer.send(ShortUrlTopics.REQUESTS, event(ids, run, i)).whenComplete((metadata, error) -> {
                final long now = System.nanoTime();
                if (error != null) {
                    recorder.failed(true, error, now);
                } else {
                    recorder.completed(true, "acked", now - sentAt, now);
                }
                acked.countDown();
            });
        }
        acked.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return recorder.result();
    }

    private ShortUrlRequested event(SnowflakeIdGenerator ids, String run, long index) {
        final String eventId = ids.nextIdString();
        return ShortUrlRequested.newBuilder()
                .setEventId(eventId)
                .setTimestamp(Instant.now())
                .setUserId(user)
                .setUrl("https://example.com/load/kafka-" + run + "-" + (index < 0 ? "first" : Long.toString(index)))
                .setRedirect(302)
                .setCustomCode(null)
                .build();
    }
}

package io.eventline.notify.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.bench.TopicReader;
import io.eventline.clients.EventProducer;
import io.eventline.feed.FeedTopics;
import io.eventline.notify.DefaultTemplates;
import io.eventline.notify.DevicePlatform;
import io.eventline.notify.NotificationTemplate;
import io.eventline.notify.NotifyTopics;
import io.eventline.notify.NotifyTopology;
import io.eventline.notify.RecipientChange;
import io.eventline.notify.RecipientChangeKind;
import io.eventline.notify.UnsubscribeLinks;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.platform.EventlineConfig;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.StreamsSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * What the notification benchmarks run on, all in this JVM: a fresh embedded KRaft broker (temporary directory,
 * free port) with the topics an instance creates, one in-memory schema registry shared by the topology and the
 * benchmark's clients, an {@link EventProducer} as the web layer produces with, and {@link NotifyTopology} as
 * {@code Platform} runs it ({@link StreamsSettings#notifications}: exactly-once v2, one stream thread, commit every
 * 100 ms), started once the setup records are on their topics.
 */
final class NotifyRig implements AutoCloseable {
    /** The system property that carries the arguments through {@code exec:java}. */
    static final String ARGS_PROPERTY = "notify.bench.args";

    private final EventlineConfig config;
    private final BenchBroker broker;
    private final EventSerdes serdes;
    private final EventProducer producer;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private KafkaStreams streams;

    private NotifyRig(BenchBroker broker) {
        this.broker = broker;
        this.serdes = broker.serdes();
        this.config = EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", broker.dir("data").toString()));
        this.producer = new EventProducer(broker.bootstrap(), "bench-requests", serdes.registry());
    }

    /** What a benchmark does with a started rig and its command-line options. */
    @FunctionalInterface
    interface Body {
        void run(NotifyRig rig, Map<String, String> options);
    }

    /**
     * A benchmark's whole life: reads its options, prints the header, starts a rig, runs {@code body}, prints the
     * footer and exits (1 if it failed).
     */
    static void main(String name, String[] commandLine, Body body) {
        final Map<String, String> options = Bench.options(Bench.args(commandLine, ARGS_PROPERTY));
        Bench.header(name, options);
        final long began = System.nanoTime();
        int status = 0;
        try (NotifyRig rig = NotifyRig.start()) {
            Bench.line("broker %s, topics created with %d partitions; topology %s (%s)", rig.bootstrap(),
                    rig.partitions(), rig.applicationId(), Bench.streamsSummary(rig.streamsProperties()));
            body.run(rig, options);
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            status = 1;
        }
        Bench.footer(began);
        // Kafka's and RocksDB's non-daemon threads may linger after close
        System.exit(status);
    }

    /** As {@code Platform} creates them: every topic the notification topology reads or writes. */
    static NotifyRig start() {
        return new NotifyRig(BenchBroker.start("notify", false, FeedTopics.ALL, OperationTopics.ALL,
                NotifyTopics.ALL));
    }

    String bootstrap() {
        return broker.bootstrap();
    }

    EventSerdes serdes() {
        return serdes;
    }

    EventProducer producer() {
        return producer;
    }

    int partitions() {
        return BenchBroker.PARTITIONS;
    }

    /** The Kafka Streams properties the topology runs with, as in production. */
    Properties streamsProperties() {
        return StreamsSettings.notifications(config, bootstrap());
    }

    /** The default templates, as {@code Platform} seeds them, plus {@code extra}. */
    void seedTemplates(NotificationTemplate... extra) {
        final List<CompletableFuture<?>> sent = new ArrayList<>();
        DefaultTemplates.all(Instant.now()).forEach(t -> sent.add(producer.send(NotifyTopics.TEMPLATES, t)));
        for (NotificationTemplate template : extra) {
            sent.add(producer.send(NotifyTopics.TEMPLATES, template));
        }
        sent.forEach(NotifyRig::join);
    }

    /** One device per user, {@code user-<i>}; iOS for even {@code i}, Android for odd, so both push topics see load. */
    List<RecipientChange> devices(int users) {
        final List<RecipientChange> changes = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            changes.add(RecipientChange.newBuilder().setEventId("bench-device-" + i).setTimestamp(Instant.now())
                    .setUserId(user(i)).setKind(RecipientChangeKind.DEVICE_SET).setDeviceId("device-" + i)
                    .setPlatform(i % 2 == 0 ? DevicePlatform.IOS : DevicePlatform.ANDROID)
                    .setToken(String.format(Locale.ROOT, "token-%08d", i)).build());
        }
        return changes;
    }

    /** A phone number per user, {@code user-<i>}. */
    List<RecipientChange> phones(int users) {
        final List<RecipientChange> changes = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            changes.add(RecipientChange.newBuilder().setEventId("bench-phone-" + i).setTimestamp(Instant.now())
                    .setUserId(user(i)).setKind(RecipientChangeKind.CONTACT_SET)
                    .setPhone(String.format(Locale.ROOT, "+1555%07d", i)).build());
        }
        return changes;
    }

    static String user(int i) {
        return "user-" + i;
    }

    /**
     * Starts the topology, sends {@code changes} and waits until it answered every one of them on the outcomes
     * topic (committed), so each user's recipient is in the store before the first request.
     */
    void startTopology(List<RecipientChange> changes) {
        final Properties props = streamsProperties();
        final StreamsBuilder builder = new StreamsBuilder();
        NotifyTopology.addTo(builder, config.notifications()
                .withUnsubscribe(new UnsubscribeLinks(config.publicUrl(), "bench-secret")), serdes);
        streams = new KafkaStreams(builder.build(props), props);
        streams.setUncaughtExceptionHandler(error -> {
            failure.set(error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try (TopicReader<OperationOutcome> outcomes = TopicReader.committed(bootstrap(), partitions(),
                List.of(OperationTopics.OUTCOMES.name()), serdes.of(OperationOutcome.class).deserializer(),
                (outcome, nanos) -> { })) {
            streams.start();
            await("notifications topology RUNNING", Duration.ofMinutes(2), () -> streams.state()
                    == KafkaStreams.State.RUNNING);
            final List<CompletableFuture<?>> sent = new ArrayList<>();
            changes.forEach(change -> sent.add(producer.send(NotifyTopics.RECIPIENTS, change)));
            sent.forEach(NotifyRig::join);
            await(changes.size() + " recipient changes applied", Duration.ofMinutes(2),
                    () -> outcomes.count() >= changes.size());
        }
    }

    /**
     * A count the topology keeps in its metrics (group {@code stream-notify-metrics}): {@code outcome} (requested,
     * duplicate, queued, ...) of {@code entity} ({@code all}, or a channel), summed over its tasks.
     */
    double notifyTotal(String entity, String outcome) {
        return streams.metrics().values().stream()
                .filter(m -> m.metricName().group().equals("stream-notify-metrics")
                        && m.metricName().name().equals(outcome + "-total")
                        && entity.equals(m.metricName().tags().get("notify-id")))
                .mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum();
    }

    /** A metric of the topology's stream thread (group {@code stream-thread-metrics}), e.g. {@code commit-total}. */
    double threadMetric(String name) {
        return streams.metrics().values().stream()
                .filter(m -> m.metricName().group().equals("stream-thread-metrics")
                        && m.metricName().name().equals(name) && m.metricValue() instanceof Number)
                .mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum();
    }

    /** Offsets per topic (sum of end offsets over partitions), every topic but Kafka's own, by name. */
    TreeMap<String, Long> endOffsets() {
        return broker.endOffsets();
    }

    String applicationId() {
        return streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    }

    /** Fails if a stream thread died or the application is in ERROR. */
    void check() {
        if (failure.get() != null) {
            throw new IllegalStateException("a stream thread failed", failure.get());
        }
        if (streams != null && streams.state() == KafkaStreams.State.ERROR) {
            throw new IllegalStateException("the notifications topology is in ERROR");
        }
    }

    /** Polls {@code condition} every 20 ms, checking the topology, until it holds; fails after {@code timeout}. */
    void await(String what, Duration timeout, BooleanSupplier condition) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            check();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            Bench.sleep(20);
        }
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(60));
        }
        producer.close();
        broker.close();
    }
}

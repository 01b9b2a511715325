package io.eventline.notify.bench;

import io.eventline.serde.Json;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.eventline.bench.Bench;
import io.eventline.bench.TopicReader;
import io.eventline.notify.DeliveryProvider;
import io.eventline.notify.NotificationDelivery;
import io.eventline.notify.NotificationRequested;
import io.eventline.notify.NotificationTemplate;
import io.eventline.notify.NotifyTopics;
import io.eventline.notify.SmsTemplate;
import io.eventline.notify.delivery.NotConfiguredClient;
import io.eventline.notify.delivery.ProviderClient;
import io.eventline.notify.delivery.TwilioSmsClient;
import io.eventline.notify.delivery.TwilioSmsSettings;
import io.eventline.notify.sending.NotificationSenders;
import io.eventline.notify.sending.RetryPolicy;
import io.eventline.notify.sending.SenderConfig;
import io.eventline.producers.load.FixedRateSchedule;
import io.eventline.producers.load.LatencyRecorder;
import io.eventline.producers.load.LoadReport;
import io.eventline.producers.load.LoadResult;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * From a notification request to the provider's call, open loop: the real {@link io.eventline.notify.NotifyTopology}
 * under exactly-once ({@link NotifyRig}) plus {@link NotificationSenders} as an instance runs them, the SMS sender
 * calling {@link TwilioSmsClient} against an in-process WireMock stand-in for Twilio (201 at once). {@code users=1000}
 * users with a phone number are registered first; then SMS requests (template {@code bench-sms}, channel
 * {@code sms}) go out at each of {@code rates=100,500} per second for {@code seconds=30} after {@code warmup=5}
 * seconds, all after {@code jvmWarmup=10} seconds at the first rate. A request's {@code createdAt} is set when it is
 * sent; its latency runs from there to the stand-in's receipt of the matching call ({@link System#currentTimeMillis()}
 * in a WireMock request listener, so both ends read the same clock at millisecond resolution).
 *
 * <p>Run from the repository root, after {@code mvn -B -q -o install -DskipTests}, or through
 * {@code docs/benchmarks/notify-latency.sh}, which keeps the output:
 * <pre>{@code
 * MAVEN_OPTS="-Xms64m -Xmx1g -XX:MaxDirectMemorySize=256m -XX:+UseSerialGC" mvn -B -q -o -pl streams-app \
 *   test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.eventline.notify.bench.NotifyLatencyBenchmark -Dnotify.bench.args="rates=100,500"
 * }</pre>
 */
public final class NotifyLatencyBenchmark {
    static final String TEMPLATE = "bench-sms";
    private static final String ACCOUNT = "ACbench";
    private static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
    /** Calls are told apart by the text: {@code Bench <phase>-<index>}. */
    private static final String TEXT_PREFIX = "Bench ";

    private final NotifyRig rig;
    private final Map<String, String> options;
    /** The phase being sent; the stand-in's listener records into it. */
    private final AtomicReference<Phase> current = new AtomicReference<>();

    private NotifyLatencyBenchmark(NotifyRig rig, Map<String, String> options) {
        this.rig = rig;
        this.options = options;
    }

    public static void main(String[] commandLine) {
        NotifyRig.main("NotifyLatencyBenchmark", commandLine, (rig, options) -> new NotifyLatencyBenchmark(rig, options).run());
    }

    private void run() {
        final int users = Integer.parseInt(options.getOrDefault("users", "1000"));
        final int[] rates = Arrays.stream(options.getOrDefault("rates", "100,500").split(","))
                .mapToInt(Integer::parseInt).toArray();
        final Duration measured = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "30")));
        final Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "5")));
        final Duration jvmWarmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("jvmWarmup", "10")));

        final WireMockServer twilio = new WireMockServer(wireMockConfig().dynamicPort().disableRequestJournal());
        twilio.start();
        try {
            twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"sid\":\"SMbench\",\"status\":\"queued\"}")));
            twilio.addMockServiceRequestListener((request, response) -> {
                final long now = System.currentTimeMillis();
                final Phase phase = current.get();
                final String text = formParameter(request.getBodyAsString(), "Body");
                if (phase != null && text != null && text.startsWith(TEXT_PREFIX)) {
                    phase.called(text.substring(TEXT_PREFIX.length()), now);
                }
            });
            final long setup = System.nanoTime();
            rig.seedTemplates(smsTemplate());
            rig.startTopology(rig.phones(users));
            final SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (NotificationSenders senders = new NotificationSenders(clients(twilio.baseUrl()),
                    SenderConfig.of(rig.bootstrap(), "bench-notify", "bench-1", RetryPolicy.DEFAULT),
                    rig.serdes().registry(), meters, Clock.systemUTC());
                 TopicReader<NotificationDelivery> routed = TopicReader.committed(rig.bootstrap(),
                         rig.partitions(), List.of(NotifyTopics.SMS.name()),
                         rig.serdes().of(NotificationDelivery.class).deserializer(), (delivery, nanos) -> {
                             final Phase phase = current.get();
                             if (phase != null) {
                                 phase.routed(delivery.getEventId(), System.currentTimeMillis());
                             }
                         })) {
                Bench.line("setup: templates seeded (%s: sms only), %,d users with a phone number registered"
                                + " (CONTACT_SET, answered), senders started (SMS -> WireMock at %s, others not"
                                + " configured) in %.1f s", TEMPLATE, users, twilio.baseUrl(),
                        Bench.seconds(System.nanoTime() - setup));
                Bench.line("");
                Bench.line("== JVM warm-up: %d s at %,d/s, not measured", jvmWarmup.toSeconds(), rates[0]);
                phase("w", rates[0], Duration.ZERO, jvmWarmup, users, senders);
                for (int rate : rates) {
                    Bench.line("");
                    Bench.line("== %,d requests/s for %d s after %d s of warm-up; load average %s", rate,
                            measured.toSeconds(), warmup.toSeconds(), Bench.loadAverage());
                    final Phase phase = phase("r" + rate, rate, warmup, measured, users, senders);
                    Bench.line("%s", LoadReport.format(phase.recorder.result(), "calls",
                            "request createdAt to the stand-in's receipt", false).stripTrailing());
                    Bench.line("of which, request createdAt to the delivery readable (read_committed) on %s:"
                            + " %s", NotifyTopics.SMS.name(), percentiles(phase.routedRecorder.result()));
                    if (phase.repeated.get() > 0) {
                        Bench.line("repeated   %,d calls for a request already called", phase.repeated.get());
                    }
                }
                final Timer requestToCall = meters.find("eventline.notify.request.to.call").tag("provider", "sms")
                        .timer();
                if (requestToCall != null) {
                    Bench.line("");
                    Bench.line("the SMS sender's own eventline.notify.request.to.call over the whole run"
                                    + " (warm-ups included): %,d calls, mean %.1f ms, max %.1f ms",
                            requestToCall.count(), requestToCall.mean(TimeUnit.MILLISECONDS),
                            requestToCall.max(TimeUnit.MILLISECONDS));
                }
            }
        } finally {
            twilio.stop();
        }
    }

    /** Sends one open-loop phase and waits for its calls (at most a minute after the last send). */
    private Phase phase(String name, int rate, Duration warmup, Duration measured, int users,
                        NotificationSenders senders) {
        final FixedRateSchedule schedule = new FixedRateSchedule(rate, warmup, measured);
        final int total = Math.toIntExact(schedule.total());
        final long start = System.nanoTime() + 100_000_000L;
        final Phase phase = new Phase(name, schedule, start + schedule.warmupNanos());
        current.set(phase);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < total; i++) {
            final long due = start + schedule.offsetNanos(i);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            final long now = System.nanoTime();
            final Instant createdAt = Instant.now();
            phase.createdAt.set(i, createdAt);
            phase.recorder.sent(now - due);
            rig.producer().send(NotifyTopics.REQUESTS, request(name, i, NotifyRig.user(i % users), createdAt)).whenComplete((m, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            if (failure.get() != null) {
                throw new IllegalStateException("a send failed", failure.get());
            }
            if (i % 1_000 == 0 && !senders.isRunning()) {
                throw new IllegalStateException("a notification sender stopped");
            }
        }
        rig.await(name + ": a call for each of its " + total + " requests", Duration.ofMinutes(1),
                () -> phase.calls.get() >= total);
        return phase;
    }

    private static NotificationRequested request(String phase, int index, String userId, Instant createdAt) {
        return NotificationRequested.newBuilder().setEventId(phase + "-e" + index).setUserId(userId)
                .setTemplate(TEMPLATE).setParams(Map.of("seq", phase + "-" + index)).setChannels(List.of("sms"))
                .setCreatedAt(createdAt).setRequestedBy("bench").build();
    }

    private static NotificationTemplate smsTemplate() {
        return NotificationTemplate.newBuilder().setName(TEMPLATE).setVersion(1).setUpdatedAt(Instant.now())
                .setUpdatedBy("bench").setPush(null).setEmail(null).setInapp(null)
                .setSms(new SmsTemplate(TEXT_PREFIX + "{{seq}}")).build();
    }

    /** SMS through the stand-in; the other providers are never used here. */
    private static Map<DeliveryProvider, ProviderClient> clients(String twilioUrl) {
        final Map<DeliveryProvider, ProviderClient> clients = new EnumMap<>(DeliveryProvider.class);
        for (DeliveryProvider provider : DeliveryProvider.values()) {
            clients.put(provider, new NotConfiguredClient("not used by the benchmark"));
        }
        clients.put(DeliveryProvider.SMS, new TwilioSmsClient(new TwilioSmsSettings(URI.create(twilioUrl), ACCOUNT,
                "bench-token", "+15550000000", Duration.ofSeconds(2), Duration.ofSeconds(5)), Json.mapper()));
        return clients;
    }

    private static String percentiles(LoadResult result) {
        return Bench.fmt("n=%d  p50=%.1f  p90=%.1f  p99=%.1f  max=%.1f ms", result.measuredOutcomes(),
                result.latencyMillisAt(50), result.latencyMillisAt(90), result.latencyMillisAt(99),
                result.maxLatencyMillis());
    }

    /** The decoded value of {@code name} in a form-encoded body, or null. */
    private static String formParameter(String body, String name) {
        for (String pair : body.split("&")) {
            final int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The requests of one rate: when each was created, and the latency of each first call. */
    private static final class Phase {
        private final String name;
        private final FixedRateSchedule schedule;
        private final LatencyRecorder recorder;
        private final LatencyRecorder routedRecorder;
        private final AtomicReferenceArray<Boolean> seenRouted;
        private final AtomicReferenceArray<Instant> createdAt;
        private final AtomicReferenceArray<Boolean> called;
        private final AtomicLong calls = new AtomicLong();
        private final AtomicLong repeated = new AtomicLong();

        Phase(String name, FixedRateSchedule schedule, long measureStartNanos) {
            this.name = name;
            this.schedule = schedule;
            this.recorder = new LatencyRecorder(measureStartNanos);
            this.routedRecorder = new LatencyRecorder(measureStartNanos);
            this.seenRouted = new AtomicReferenceArray<>(Math.toIntExact(schedule.total()));
            this.createdAt = new AtomicReferenceArray<>(Math.toIntExact(schedule.total()));
            this.called = new AtomicReferenceArray<>(Math.toIntExact(schedule.total()));
        }

        /** The delivery of event {@code <phase>-e<index>} became readable on the SMS topic at {@code atMillis}. */
        void routed(String eventId, long atMillis) {
            final int dash = eventId.lastIndexOf("-e");
            if (dash < 0 || !eventId.substring(0, dash).equals(name)) {
                return;
            }
            final int index = Integer.parseInt(eventId.substring(dash + 2));
            if (seenRouted.compareAndSet(index, null, Boolean.TRUE)) {
                routedRecorder.completed(schedule.isMeasured(index), "routed", TimeUnit.MILLISECONDS.toNanos(
                        atMillis - createdAt.get(index).toEpochMilli()), System.nanoTime());
            }
        }

        /** A call for {@code seq} ({@code <phase>-<index>}) reached the stand-in at {@code atMillis}. */
        void called(String seq, long atMillis) {
            final int dash = seq.lastIndexOf('-');
            if (dash < 0 || !seq.substring(0, dash).equals(name)) {
                return;
            }
            final int index = Integer.parseInt(seq.substring(dash + 1));
            if (!called.compareAndSet(index, null, Boolean.TRUE)) {
                repeated.incrementAndGet();
                return;
            }
            final long latencyMillis = atMillis - createdAt.get(index).toEpochMilli();
            recorder.completed(schedule.isMeasured(index), "201", TimeUnit.MILLISECONDS.toNanos(latencyMillis),
                    System.nanoTime());
            calls.incrementAndGet();
        }
    }
}

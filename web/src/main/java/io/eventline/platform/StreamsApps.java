package io.eventline.platform;

import io.eventline.ops.Readiness;
import io.eventline.query.CatchUpGate;
import io.eventline.streams.StreamsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's two streams applications: the at-least-once one most domains run in, and the exactly-once one
 * ({@link StreamsSettings#notifications}), with the description of each one's topology, which tells the ops view
 * which topics and stores each task has.
 */
public record StreamsApps(Readiness.App main, Readiness.App exactlyOnce, TopologyDescription mainTopology,
                          TopologyDescription exactlyOnceTopology) {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApps.class);
    /** How soon metrics that Kafka Streams registers after start (per task, per sensor) reach /metrics. */
    private static final Duration METRICS_REFRESH = Duration.ofSeconds(10);

    /** Builds both applications from the steps each domain adds, in the domains' order, and starts them. */
    static StreamsApps start(InstanceBasics basics, List<Domain> domains) {
        final EventlineConfig config = basics.config();
        final KafkaCluster kafka = basics.kafka();
        final StreamsBuilder atLeastOnce = new StreamsBuilder();
        final StreamsBuilder exactlyOnce = new StreamsBuilder();
        domains.forEach(domain -> domain.addStreams(atLeastOnce, exactlyOnce, basics));
        final Properties mainProps = StreamsSettings.of(config, kafka.clientConfig(), kafka.durability());
        domains.forEach(domain -> mainProps.putAll(domain.streamsConfig()));
        final Topology mainTopology = atLeastOnce.build(mainProps);
        final Readiness.App main = start(mainTopology, mainProps, basics);
        final Properties exactlyOnceProps = StreamsSettings.notifications(config, kafka.clientConfig(),
                kafka.durability());
        final Topology exactlyOnceTopology = exactlyOnce.build(exactlyOnceProps);
        return new StreamsApps(main, start(exactlyOnceTopology, exactlyOnceProps, basics), mainTopology.describe(),
                exactlyOnceTopology.describe());
    }

    /** Starts one streams application, replacing failed threads and gating queries until it caught up. */
    private static Readiness.App start(Topology topology, Properties props, InstanceBasics basics) {
        final String applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        final KafkaStreams app = new KafkaStreams(topology, props);
        final Path stateDir = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG));
        PrivateFiles.keepPrivate(stateDir);
        PrivateFiles.keepPrivate(stateDir.resolve(applicationId));
        app.setUncaughtExceptionHandler(error -> {
            LOG.error("A stream thread of {} failed; replacing it", applicationId, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        final CatchUpGate gate = basics.closer().add(new CatchUpGate(app, basics.kafka().admin(), applicationId,
                basics.kafka().clientConfig()));
        app.setStateListener((now, before) -> {
            LOG.info("Streams {}: {} -> {}", applicationId, before, now);
            gate.onStateChange(now);
        });
        basics.closer().add(() -> app.close(Duration.ofSeconds(30)));
        app.start();
        return new Readiness.App(app, gate);
    }

    public List<Readiness.App> all() {
        return List.of(main, exactlyOnce);
    }

    /** Publishes both applications' metrics, refreshed as tasks and their sensors come and go. */
    void bindMetrics(MeterRegistry meters, Closer closer) {
        final ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("streams-metrics"));
        closer.add(refresh::shutdownNow);
        for (Readiness.App app : all()) {
            final KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(app.streams(), List.of(), refresh,
                    METRICS_REFRESH);
            metrics.bindTo(meters);
            closer.add(metrics);
        }
    }
}

package io.eventline.kv;

import io.eventline.http.ApiRoute;
import io.eventline.operations.OperationTopics;
import io.eventline.serde.AvroSerde;
import io.eventline.platform.EventlineConfig;
import io.eventline.streams.RocksDbInstruments;
import io.eventline.platform.DaemonThreads;
import io.eventline.platform.Domain;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/** The key-value store: namespaces of keys with versions, quotas, TTLs and a choice of read consistency. */
public final class KvDomain implements Domain {
    /** How long a strong read waits for its owner to apply what the caller's token covers. */
    private static final Duration STRONG_WAIT = Duration.ofSeconds(1);
    /** How old the copies' lags may be; fetching them asks the brokers. */
    private static final Duration LAG_REFRESH = Duration.ofMillis(200);

    private final KvSettings settings;
    private final LsmProbes lsmProbes = new LsmProbes();
    private List<ApiRoute> routes = List.of();

    public KvDomain(KvSettings settings) {
        this.settings = settings;
    }

    /** Its own topics, and the copies of the other data centres' changes, created here should none exist yet. */
    @Override
    public List<Topic<?>> topics() {
        final List<Topic<?>> topics = new ArrayList<>(KvTopics.ALL);
        settings.peers().forEach(peer -> topics.add(KvTopics.mirroredChanges(peer)));
        return topics;
    }

    /**
     * Registers the schemas of what the store writes before it writes: a data centre cut off from the registry's
     * (another data centre's, as two-dc.sh runs them) still sends its changes and records its conflicts.
     */
    @Override
    public void beforeStreams(InstanceBasics basics) {
        for (Topic<?> topic : List.of(KvTopics.CHANGES, KvTopics.CONFLICTS, OperationTopics.OUTCOMES)) {
            basics.serdes().registry().register(AvroSerde.subject(topic.name(), false),
                    SpecificData.get().getSchema(topic.valueType()));
        }
    }

    /** Statistics of the kv stores' RocksDB instances, for the LSM figures. */
    @Override
    public Map<String, Object> streamsConfig() {
        return Map.of(RocksDbInstruments.CONFIG, lsmProbes);
    }

    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        KvTopology.addTo(atLeastOnce, settings, basics.serdes());
    }

    @Override
    public void start(SharedServices services) {
        final ExecutorService refresher = Executors.newSingleThreadExecutor(DaemonThreads.named("kv-lags"));
        services.basics().closer().add(refresher::shutdownNow);
        final ReplicaLags lags = new ReplicaLags(services.apps().main().streams(), services.basics().clock(),
                LAG_REFRESH, refresher);
        final KvReads reads = new KvReads(services.router(), lags, services.json(), services.basics().clock(),
                STRONG_WAIT);
        final KafkaStreams streams = services.apps().main().streams();
        final EventlineConfig config = services.config();
        final LsmFigures figures = new LsmFigures(lsmProbes,
                config.streamsStateDir().resolve(config.applicationId()));
        final List<ApiRoute> all = new ArrayList<>(new KvRoutes(services.routeServices(services.writes(),
                services.router()), reads).routes());
        all.addAll(new KvStatsRoutes(config.instanceId(), streams, figures, services.json()).routes());
        routes = List.copyOf(all);
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }
}

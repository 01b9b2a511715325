package io.eventline.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.chat.KnownUserReporter;
import io.eventline.http.Problems;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.ReplyListener;
import io.eventline.operations.WriteGateway;
import io.eventline.ops.KeyPlaces;
import io.eventline.ops.Readiness;
import io.eventline.query.InstanceClient;
import io.eventline.query.QueryRouter;
import io.eventline.ratelimit.ClientAddress;
import io.eventline.ratelimit.RateLimiting;
import io.eventline.streams.StreamsSettings;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What every domain's web side shares once the streams run, made once per instance: the {@link InstanceBasics},
 * the streams applications and their query routers, the write gateways that await outcomes, calls between
 * instances, authentication, problems, metrics, readiness and the rate limiter.
 */
public final class SharedServices {
    private static final int RESPONDER_THREADS = 4;
    /** How long a reply listener may take to find the end of its partition at start. */
    private static final Duration LISTENER_START = Duration.ofSeconds(60);

    private final InstanceBasics basics;
    private final StreamsApps apps;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Readiness readiness;
    private final HostInfo self;
    private final ClientAddress clients;
    private final InternalCalls internal;
    private final InstanceClient instances;
    private final QueryRouter router;
    private final QueryRouter exactlyOnceRouter;
    private final ExecutorService responders;
    private final Problems problems;
    private final WriteGateway writes;
    private final WriteGateway exactlyOnceWrites;
    private final JwtAuth auth;
    private final RateLimiting rateLimiting;
    private final Supplier<List<KeyPlaces>> keyPlaces;

    /**
     * @param workersRunning whether the workers the domains run beside the streams still run
     * @param keyPlaces      where every domain keeps each kind of key
     */
    SharedServices(InstanceBasics basics, StreamsApps apps, BooleanSupplier workersRunning,
                   Supplier<List<KeyPlaces>> keyPlaces) throws Exception {
        final EventlineConfig config = basics.config();
        final Closer closer = basics.closer();
        this.basics = basics;
        this.apps = apps;
        this.keyPlaces = keyPlaces;
        // each reads only the partition where the outcomes of the events this instance's worker minted land
        final ReplyListener<OperationOutcome> outcomes = closer.add(ReplyListener.outcomes(
                basics.kafka().clientConfig(), "eventline-outcomes-" + config.instanceId(), basics.registry(),
                config.workerId()));
        outcomes.start(LISTENER_START);
        // chat's user side is exactly-once: an answer must never report what an aborted transaction undid
        final ReplyListener<OperationOutcome> committedOutcomes = closer.add(ReplyListener.committedOutcomes(
                basics.kafka().clientConfig(), "eventline-chat-outcomes-" + config.instanceId(), basics.registry(),
                config.workerId()));
        committedOutcomes.start(LISTENER_START);
        Stream.<MeterBinder>of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), outcomes, committedOutcomes)
                .forEach(binder -> binder.bindTo(meters));
        apps.bindMetrics(meters, closer);
        this.readiness = new Readiness(apps.all(), workersRunning, basics.lease()::isHeld);

        final URI advertised = URI.create(config.advertisedUrl());
        this.self = new HostInfo(advertised.getHost(), StreamsSettings.effectivePort(advertised));
        this.clients = new ClientAddress(config.rateLimit().trustedProxies());
        this.internal = new InternalCalls(basics.jwtSecret(), basics.clock(), InternalCalls.DEFAULT_MAX_SKEW);
        this.instances = new InstanceClient(
                // the instances speak HTTP/1.1 only: no upgrade to try on every new connection
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1))
                        .build(), internal, clients::of, Duration.ofSeconds(5));
        this.router = new QueryRouter(apps.main().streams(), self, instances, apps.main().catchUp());
        this.exactlyOnceRouter = new QueryRouter(apps.exactlyOnce().streams(), self, instances,
                apps.exactlyOnce().catchUp());
        this.responders = Executors.newFixedThreadPool(RESPONDER_THREADS, DaemonThreads.named("responder"));
        closer.add(responders::shutdownNow);
        this.problems = new Problems(basics.json());
        final Duration awaitTimeout = Duration.ofMillis(config.awaitTimeoutMs());
        this.writes = new WriteGateway(basics.producer(), outcomes, problems, awaitTimeout, basics.clock(),
                responders);
        this.exactlyOnceWrites = new WriteGateway(basics.producer(), committedOutcomes, problems, awaitTimeout,
                basics.clock(), responders);
        this.auth = new JwtAuth(basics.jwtSecret(), basics.clock(),
                new KnownUserReporter(basics.producer(), basics.clock())::seen);
        this.rateLimiting = new RateLimiting(basics, apps.main().streams(), router, instances, internal, clients);
    }

    /** What routes that read from {@code reads} and await their writes' outcomes in {@code writes} share. */
    public RouteServices routeServices(WriteGateway writes, QueryRouter reads) {
        return new RouteServices(writes, reads, basics.producer(), basics.ids(), basics.json(), basics.clock(),
                responders);
    }

    public InstanceBasics basics() {
        return basics;
    }

    public EventlineConfig config() {
        return basics.config();
    }

    public ObjectMapper json() {
        return basics.json();
    }

    public StreamsApps apps() {
        return apps;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public Readiness readiness() {
        return readiness;
    }

    /** This instance, as the streams' metadata names it. */
    public HostInfo self() {
        return self;
    }

    public ClientAddress clients() {
        return clients;
    }

    public InternalCalls internal() {
        return internal;
    }

    public InstanceClient instances() {
        return instances;
    }

    /** Routes reads of stores to their owners in the at-least-once application. */
    public QueryRouter router() {
        return router;
    }

    /** Routes reads of stores to their owners in the exactly-once application. */
    public QueryRouter exactlyOnceRouter() {
        return exactlyOnceRouter;
    }

    /** Where answers are written, off the threads that deliver outcomes and decisions. */
    public ExecutorService responders() {
        return responders;
    }

    public Problems problems() {
        return problems;
    }

    /** Awaits the outcomes of writes as the at-least-once application reports them. */
    public WriteGateway writes() {
        return writes;
    }

    /** Awaits outcomes as a read_committed consumer sees them: the exactly-once application's are transactional. */
    public WriteGateway exactlyOnceWrites() {
        return exactlyOnceWrites;
    }

    public JwtAuth auth() {
        return auth;
    }

    public RateLimiting rateLimiting() {
        return rateLimiting;
    }

    /** Where every domain keeps each kind of key ({@link Domain#keyPlaces()}), once the domains have started. */
    public List<KeyPlaces> keyPlaces() {
        return keyPlaces.get();
    }
}

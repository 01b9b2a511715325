package io.eventline.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtSecrets;
import io.eventline.chat.ChatDomain;
import io.eventline.crawler.CrawlerDomain;
import io.eventline.feed.FeedDomain;
import io.eventline.http.ApiDocsRoutes;
import io.eventline.http.ApiRoute;
import io.eventline.http.EventlineWeb;
import io.eventline.http.SocketRoute;
import io.eventline.kv.KvDomain;
import io.eventline.notify.NotifyDomain;
import io.eventline.operations.OperationsDomain;
import io.eventline.ops.OpsDomain;
import io.eventline.ratelimit.RateLimitDomain;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.Json;
import io.eventline.shorturl.ShortUrlDomain;
import io.eventline.topics.Topic;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One Eventline instance: the embedded broker and registry when none are configured, the topics, the streams
 * apps, and each {@link Domain}'s part, served by the web server. Closes in the reverse order: web, the domains'
 * workers, streams, producers, registry, broker.
 */
public final class Platform implements AutoCloseable {
    /** The version every instance reports in its API document and ops view. */
    public static final String VERSION = "0.1.0";

    private final EventlineConfig config;
    private final Clock clock;
    private final Closer started = new Closer();
    /**
     * Every domain of the instance, in the order their routes are served and documented and their steps are added
     * to the streams applications (which numbers the applications' tasks: append, don't reorder).
     */
    private final List<Domain> domains;
    private SharedServices services;
    private Javalin web;
    private String registryUrl;

    public Platform(EventlineConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.domains = List.of(new OpsDomain(), new OperationsDomain(), new ShortUrlDomain(), new FeedDomain(),
                new NotifyDomain(), new RateLimitDomain(), new ChatDomain(), new CrawlerDomain(),
                new KvDomain(config.kv()));
    }

    /** Starts everything and returns once the web server listens; see {@link #awaitReady(Duration)}. */
    public Platform start() throws Exception {
        try {
            startAll();
            return this;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        PrivateFiles.prepareDataDir(config);
        final String jwtSecret = JwtSecrets.resolve(config);
        final Optional<String> registryUserInfo = RegistryUserInfo.forClient(config);
        final ObjectMapper json = Json.mapper();
        final String bootstrap = config.kafkaBootstrapServers().orElseGet(() -> EmbeddedBroker.start(config, started));
        final KafkaCluster kafka = KafkaCluster.connect(config, bootstrap, started);
        final List<Topic<?>> topics = topics();
        TopicProvisioning.ensure(config, kafka, topics);
        registryUrl = config.schemaRegistryUrl().orElseGet(() -> RegistryServer.start(config, kafka,
                registryUserInfo.get(), topics, json, started));
        final InstanceBasics basics = InstanceBasics.start(config, clock, json, jwtSecret, kafka,
                new HttpSchemaRegistryClient(registryUrl, registryUserInfo, json), started);
        for (Domain domain : domains) {
            domain.beforeStreams(basics);
        }
        final StreamsApps apps = StreamsApps.start(basics, domains);
        services = new SharedServices(basics, apps, () -> domains.stream().allMatch(Domain::workersRunning),
                () -> domains.stream().map(Domain::keyPlaces).toList());
        for (Domain domain : domains) {
            domain.start(services);
            domain.meterBinders().forEach(binder -> binder.bindTo(services.meters()));
        }
        serve(domains.stream().flatMap(domain -> domain.routes().stream()).toList());
    }

    /** Serves the routes, limited and documented, with their internal twins and the domains' sockets. */
    private void serve(List<ApiRoute> routes) {
        final List<SocketRoute> sockets = domains.stream().flatMap(domain -> domain.sockets().stream()).toList();
        final List<ApiRoute> guarded = new ArrayList<>(services.rateLimiting().guard(routes));
        guarded.addAll(ApiDocsRoutes.describe(guarded, config.publicUrl(), VERSION, services.json()));
        final List<ApiRoute> internalRoutes = new ArrayList<>(InternalCalls.twins(routes,
                sockets.stream().map(SocketRoute::path).collect(Collectors.toSet())));
        domains.forEach(domain -> internalRoutes.addAll(domain.internalRoutes()));
        web = EventlineWeb.create(guarded, internalRoutes, sockets, services.auth(), services.internal(),
                services.json(), services.meters());
        web.start(config.httpHost(), config.httpPort());
        started.add(web::stop);
    }

    /** Every topic of the instance's domains, as it creates them; the instance need not be started. */
    public List<Topic<?>> topics() {
        return domains.stream().flatMap(domain -> domain.topics().stream()).toList();
    }

    /** Waits until the streams run and their stores answer. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (services.readiness().isReady()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    public int httpPort() {
        return web.port();
    }

    /** The settings this instance runs with. */
    EventlineConfig config() {
        return config;
    }

    /** The running web app, for checks of its routes. */
    Javalin web() {
        return web;
    }

    /** The schema registry this instance uses. */
    public String registryUrl() {
        return registryUrl;
    }

    @Override
    public synchronized void close() {
        started.close();
    }
}

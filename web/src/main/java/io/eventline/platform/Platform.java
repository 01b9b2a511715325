package io.eventline.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.JwtSecrets;
import io.eventline.chat.ChannelIds;
import io.eventline.chat.ChatHub;
import io.eventline.chat.ChatMetrics;
import io.eventline.chat.ChatRoutes;
import io.eventline.chat.ChatSocketEndpoint;
import io.eventline.chat.ChatTopics;
import io.eventline.chat.ChatTopology;
import io.eventline.chat.KnownUserReporter;
import io.eventline.chat.LocalSockets;
import io.eventline.chat.MessageTexts;
import io.eventline.chat.MovedSockets;
import io.eventline.chat.SocketLocator;
import io.eventline.chat.SyncReader;
import io.eventline.feed.FeedItemCache;
import io.eventline.feed.FeedRoutes;
import io.eventline.feed.FeedTopics;
import io.eventline.http.ApiDocsRoutes;
import io.eventline.http.ApiRoute;
import io.eventline.http.EventlineWeb;
import io.eventline.http.Problems;
import io.eventline.ids.LeaseKeeper;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.ids.WorkerLease;
import io.eventline.kafka.Durability;
import io.eventline.kafka.EmbeddedKafkaBroker;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.kafka.TopicSpec;
import io.eventline.kafka.TopicContents;
import io.eventline.kafka.TopicDurability;
import io.eventline.notify.DefaultTemplates;
import io.eventline.notify.DeliveryProvider;
import io.eventline.notify.delivery.ProviderClients;
import io.eventline.notify.sending.NotificationSenders;
import io.eventline.notify.sending.RetryPolicy;
import io.eventline.notify.sending.SenderConfig;
import io.eventline.notify.NotificationTemplate;
import io.eventline.notify.NotifyRoutes;
import io.eventline.notify.NotifySettings;
import io.eventline.notify.NotifyStores;
import io.eventline.notify.NotifyTopics;
import io.eventline.notify.UnsubscribeLinks;
import io.eventline.operations.OperationRoutes;
import io.eventline.operations.OperationTopics;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.ReplyListener;
import io.eventline.operations.WriteGateway;
import io.eventline.ops.MetricsAccess;
import io.eventline.ops.OpsRoutes;
import io.eventline.ops.Readiness;
import io.eventline.clients.EventProducer;
import io.eventline.query.BatchLookup;
import io.eventline.query.CatchUpGate;
import io.eventline.query.GlobalView;
import io.eventline.query.InstanceClient;
import io.eventline.query.QueryRouter;
import io.eventline.ratelimit.ClientAddress;
import io.eventline.ratelimit.CounterOwner;
import io.eventline.ratelimit.CounterOwnerCalls;
import io.eventline.ratelimit.CounterPartitions;
import io.eventline.ratelimit.SharedAllowance;
import io.eventline.ratelimit.RateLimitDecision;
import io.eventline.ratelimit.RateLimitGuard;
import io.eventline.ratelimit.RateLimitRoutes;
import io.eventline.ratelimit.RateLimitTopics;
import io.eventline.ratelimit.RateLimiter;
import io.eventline.ratelimit.RuleCache;
import io.eventline.ratelimit.RulesSeeder;
import io.eventline.ratelimit.RulesView;
import io.eventline.registry.SchemaRegistryConfig;
import io.eventline.registry.SchemaRegistryServer;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.eventline.serde.Json;
import io.eventline.serde.EventSerdes;
import io.eventline.shorturl.BoundedResolver;
import io.eventline.shorturl.LinkUrls;
import io.eventline.shorturl.ShortUrlRoutes;
import io.eventline.shorturl.ShortUrlTopics;
import io.eventline.shorturl.ShortUrlSettings;
import io.eventline.streams.EventlineTopology;
import io.eventline.streams.ExactlyOnceTopology;
import io.eventline.streams.StoreMove;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Eventline instance: the embedded broker and registry when none are configured, the streams app, the
 * producers and the web server. Closes in the reverse order: web, streams, producers, registry, broker.
 */
public final class Platform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);
    private static final String VERSION = "0.1.0";
    /** The schema registry's log, named as in Confluent's registry so existing tooling recognizes it. */
    public static final String SCHEMAS_TOPIC = "_schemas";
    private static final int RESPONDER_THREADS = 4;
    /** Clicks are batched this long: no request waits for them, and batching spares the broker. */
    private static final Duration CLICK_LINGER = Duration.ofMillis(20);
    private static final Duration STORE_MOVE_TIMEOUT = Duration.ofSeconds(30);
    /** Texts of messages that sockets on this instance sent lately, which a group's members share. */
    private static final long MESSAGE_TEXTS_CACHE_BYTES = 64L << 20;
    /** Decided checks are logged after their answer: a short linger batches them and bounds what a kill -9 loses. */
    private static final Duration HIT_LOG_LINGER = Duration.ofMillis(2);
    /** How soon metrics that Kafka Streams registers after start (per task, per sensor) reach /metrics. */
    private static final Duration STREAMS_METRICS_REFRESH = Duration.ofSeconds(10);
    /** How often a lost worker lease is asked for again; also the Retry-After of the writes refused meanwhile. */
    private static final Duration LEASE_RETRY = Duration.ofSeconds(5);
    /** How long a short link's host may take to resolve before it is judged by its name alone. */
    private static final Duration LINK_LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    private static final int LINK_LOOKUP_THREADS = 4;

    private final EventlineConfig config;
    private final Clock clock;
    private final List<AutoCloseable> started = new ArrayList<>();
    private KafkaStreams streams;
    private Readiness readiness;
    private Javalin web;
    private String registryUrl;

    public Platform(EventlineConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
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
        final String bootstrap = config.kafkaBootstrapServers().orElseGet(this::startBroker);
        final Map<String, Object> kafka = config.kafkaClientConfig(bootstrap);
        final Map<String, Object> adminConfig = new HashMap<>(kafka);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "eventline-admin-" + config.instanceId());
        final Admin admin = Admin.create(adminConfig);
        started.add(admin);
        final TopicDurability durability = topicDurability(admin, bootstrap);
        try (TopicProvisioner topics = new TopicProvisioner(admin)) {
            topics.ensureTopics(topicSpecs(durability));
        }
        registryUrl = config.schemaRegistryUrl()
                .orElseGet(() -> startRegistry(kafka, durability, registryUserInfo.get()));
        final ObjectMapper json = Json.mapper();
        final HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(registryUrl, registryUserInfo, json);

        final LeaseKeeper lease = new LeaseKeeper(new WorkerLease(kafka, WorkerLease.TOPIC, registry, json,
                config.instanceId(), config.datacenterId(), config.workerId(), WorkerLease.DEFAULT_TTL, clock),
                LEASE_RETRY);
        started.add(lease);
        lease.start();
        // without the lease another instance may issue the same IDs: this one issues none until it holds it again
        final SnowflakeIdGenerator ids = new SnowflakeIdGenerator(config.datacenterId(), config.workerId(),
                InstantSource.system(), SnowflakeIdGenerator.DEFAULT_MAX_BACKWARD_WAIT, lease::isHeld);

        final EventProducer producer = new EventProducer(kafka, "eventline-web-" + config.instanceId(), registry,
                EventProducer.DEFAULT_LINGER);
        started.add(producer);
        final EventProducer clickProducer = new EventProducer(kafka, "eventline-clicks-" + config.instanceId(),
                registry, CLICK_LINGER);
        started.add(clickProducer);

        // before the streams start, so their global copy of the rules holds the seed from the first request on
        final RulesSeeder seeder = new RulesSeeder(admin, producer, clock);
        seeder.seedIfEmpty(seeder.rulesToSeed(config.rateLimit().rulesFile()));

        seedTemplates(admin, producer);

        final Properties streamsProps = StreamsSettings.of(config, kafka, durability);
        final EventSerdes serdes = new EventSerdes(registry);
        final BoundedResolver resolver = new BoundedResolver(LINK_LOOKUP_TIMEOUT, LINK_LOOKUP_THREADS);
        started.add(resolver);
        final LinkUrls links = LinkUrls.forService(List.of(config.publicUrl(), config.advertisedUrl()),
                config.httpPort(), resolver);
        // a generated short code is drawn on the partition its link lives on, counted with this number
        final int linkPartitions = partitionsOf(admin, ShortUrlTopics.REQUESTS.name());
        if (linkPartitions != config.topicPartitions()) {
            throw new IllegalStateException(ShortUrlTopics.REQUESTS.name() + " has " + linkPartitions
                    + " partitions but EVENTLINE_TOPIC_PARTITIONS is " + config.topicPartitions()
                    + "; set EVENTLINE_TOPIC_PARTITIONS=" + linkPartitions + " to match the existing topics");
        }
        new StoreMove(admin, kafka, STORE_MOVE_TIMEOUT).run(ChatTopology.channelSideMove(config.applicationId()));
        final CounterPartitions counters = new CounterPartitions();
        final FeedItemCache feedItems = new FeedItemCache(config.feed().cacheBytes());
        final Readiness.App main = startStreams(EventlineTopology.build(new ShortUrlSettings(
                config.topicPartitions(), jwtSecret, config.publicUrl(), links), config.feed().withChanges(feedItems),
                config.rateLimit().withCounters(counters), config.chat(), serdes, streamsProps), streamsProps, admin);
        streams = main.streams();
        final UnsubscribeLinks unsubscribe = new UnsubscribeLinks(config.publicUrl(), jwtSecret);
        final Properties exactlyOnceProps = StreamsSettings.notifications(config, kafka, durability);
        final Readiness.App exactlyOnce = startStreams(ExactlyOnceTopology.build(
                config.notifications().withUnsubscribe(unsubscribe), config.chat(), serdes, exactlyOnceProps),
                exactlyOnceProps, admin);

        // each reads only the partition where the outcomes of the events this instance's worker minted land
        final ReplyListener<OperationOutcome> outcomes = ReplyListener.outcomes(kafka,
                "eventline-outcomes-" + config.instanceId(), registry, config.workerId());
        outcomes.start(Duration.ofSeconds(60));
        started.add(outcomes);
        // chat's user side is exactly-once: an answer must never report what an aborted transaction undid
        final ReplyListener<OperationOutcome> chatOutcomes = ReplyListener.committedOutcomes(kafka,
                "eventline-chat-outcomes-" + config.instanceId(), registry, config.workerId());
        chatOutcomes.start(Duration.ofSeconds(60));
        started.add(chatOutcomes);

        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Stream.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics(), feedItems, outcomes, chatOutcomes)
                .forEach(binder -> binder.bindTo(meters));
        // tasks, and the sensors their processors register, appear after start and after every rebalance
        final ScheduledExecutorService metricsRefresh = Executors.newSingleThreadScheduledExecutor(
                daemonThreads("streams-metrics"));
        started.add(metricsRefresh::shutdownNow);
        for (Readiness.App app : List.of(main, exactlyOnce)) {
            final KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(app.streams(), List.of(),
                    metricsRefresh, STREAMS_METRICS_REFRESH);
            streamsMetrics.bindTo(meters);
            started.add(streamsMetrics);
        }

        final NotifySettings notifySettings = config.notifications();
        final ProviderClients providers = ProviderClients.from(notifySettings::provider, json);
        final List<Duration> tiers = notifySettings.retryDelays();
        final NotificationSenders senders = new NotificationSenders(Map.of(DeliveryProvider.APNS, providers.apns(),
                DeliveryProvider.FCM, providers.fcm(), DeliveryProvider.SMS, providers.sms(),
                DeliveryProvider.SMTP, providers.email()), SenderConfig.of(kafka,
                config.applicationId() + StreamsSettings.NOTIFY_SUFFIX, config.instanceId(),
                RetryPolicy.of(notifySettings.maxAttempts(), tiers.get(0), tiers.toArray(Duration[]::new))), registry,
                meters, clock);
        started.add(senders);
        readiness = new Readiness(List.of(main, exactlyOnce), senders::isRunning, lease::isHeld);

        final URI advertised = URI.create(config.advertisedUrl());
        final HostInfo self = new HostInfo(advertised.getHost(), StreamsSettings.effectivePort(advertised));
        final ClientAddress clients = new ClientAddress(config.rateLimit().trustedProxies());
        final InternalCalls internal = new InternalCalls(jwtSecret, clock, InternalCalls.DEFAULT_MAX_SKEW);
        final InstanceClient instances = new InstanceClient(
                // the instances speak HTTP/1.1 only: no upgrade to try on every new connection
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1))
                        .build(), internal, clients::of,
                Duration.ofSeconds(5));
        final QueryRouter router = new QueryRouter(streams, self, instances, main.catchUp());
        final QueryRouter exactlyOnceRouter = new QueryRouter(exactlyOnce.streams(), self, instances,
                exactlyOnce.catchUp());
        final ExecutorService responders = Executors.newFixedThreadPool(RESPONDER_THREADS, daemonThreads("responder"));
        started.add(responders::shutdownNow);
        final Problems problems = new Problems(json);
        final WriteGateway writes = new WriteGateway(producer, outcomes, problems,
                Duration.ofMillis(config.awaitTimeoutMs()), clock, responders);
        final WriteGateway chatWrites = new WriteGateway(producer, chatOutcomes, problems,
                Duration.ofMillis(config.awaitTimeoutMs()), clock, responders);
        final JwtAuth auth = new JwtAuth(jwtSecret, clock, new KnownUserReporter(producer, clock)::seen);
        final List<ApiRoute> routes = new ArrayList<>();
        routes.addAll(new OpsRoutes(readiness, meters, config.httpLoopbackOnly() ? MetricsAccess.open()
                : MetricsAccess.guarded(auth, config.metricsToken())).routes());
        routes.addAll(new OperationRoutes(router, json).routes());
        routes.addAll(new ShortUrlRoutes(writes, router, clickProducer, ids, json, config.publicUrl(), links, clock)
                .routes());
        routes.addAll(new FeedRoutes(writes, router, new BatchLookup(router, json), producer, ids, json, clock,
                feedItems).routes());
        routes.addAll(new NotifyRoutes(writes, exactlyOnceRouter, new GlobalView<>(exactlyOnce.streams(),
                NotifyStores.TEMPLATES), producer, ids, unsubscribe, json, clock, responders, NotifyRoutes.TEMPLATE_APPLY_WAIT)
                .routes());
        final MessageTexts texts = new MessageTexts(router, new InternalCalls.Caller(null, self.host(), false), json,
                MESSAGE_TEXTS_CACHE_BYTES);
        final SocketLocator socketLocator = new SocketLocator(exactlyOnce.streams(), self, config.socketUrl(),
                instances, json);
        routes.addAll(new ChatRoutes(chatWrites, router, exactlyOnceRouter, producer, ids, new ChannelIds(jwtSecret),
                config.chat(), socketLocator, config.instanceId(), json, clock, responders, texts).routes());
        final RulesView rules = new RulesView(streams);
        final Duration decisionTimeout = config.rateLimit().decisionTimeout();
        final RuleCache ruleCache = new RuleCache(rules::current);
        final EventProducer hitProducer = new EventProducer(kafka, "eventline-ratelimit-" + config.instanceId(),
                registry, HIT_LOG_LINGER);
        started.add(hitProducer);
        final ScheduledExecutorService limiterTimers = Executors.newSingleThreadScheduledExecutor(
                daemonThreads("ratelimit"));
        started.add(limiterTimers::shutdownNow);
        final CounterOwner owner = new CounterOwner(counters, partitionsOf(admin, RateLimitTopics.CHECKS.name()),
                check -> hitProducer.send(RateLimitTopics.CHECKS, check).thenApply(RecordMetadata::offset),
                serdes.of(RateLimitDecision.class).deserializer(), clock, limiterTimers,
                config.rateLimit().maxUnloggedHits());
        started.add(owner);
        final CounterOwnerCalls ownerCalls = new CounterOwnerCalls(router, instances.http(), internal, decisionTimeout,
                Executors.newCachedThreadPool(daemonThreads("ratelimit-calls")));
        started.add(ownerCalls);
        final RateLimiter limiter = new RateLimiter(owner, ownerCalls, ruleCache, decisionTimeout, clock,
                limiterTimers);
        final ChatSocketEndpoint chatSockets = chatSockets(kafka, registry, auth, chatWrites, producer, ids,
                problems, json, meters, instances, exactlyOnceRouter, limiter, texts);
        routes.add(chatSockets.route());
        routes.addAll(new RateLimitRoutes(limiter, rules, producer, router, ids, json, clock, responders,
                RateLimitRoutes.APPLY_WAIT, config.rateLimit().domain()).routes());
        final List<ApiRoute> guarded = new ArrayList<>(new RateLimitGuard(limiter,
                config.rateLimit().domain(), clients, ids, decisionTimeout).apply(routes));
        guarded.addAll(ApiDocsRoutes.describe(guarded, config.publicUrl(), VERSION, json));
        final List<ApiRoute> internalRoutes = new ArrayList<>(InternalCalls.twins(routes,
                Set.of(chatSockets.socket().path())));
        internalRoutes.add(CounterOwnerCalls.route(owner, ruleCache));
        internalRoutes.add(socketLocator.route());
        internalRoutes.add(texts.route());
        web = EventlineWeb.create(guarded, internalRoutes,
                List.of(chatSockets.socket()), auth, internal, json, meters);
        web.start(config.httpHost(), config.httpPort());
        started.add(web::stop);
    }

    /**
     * The chat socket endpoint, with the hub that feeds its sockets: started here, before the web server, and so
     * closed after it and before the streams.
     */
    private ChatSocketEndpoint chatSockets(Map<String, Object> kafka, HttpSchemaRegistryClient registry, JwtAuth auth,
                                           WriteGateway chatWrites, EventProducer producer, SnowflakeIdGenerator ids,
                                           Problems problems, ObjectMapper json, PrometheusMeterRegistry meters,
                                           InstanceClient instances, QueryRouter exactlyOnceRouter,
                                           RateLimiter limiter, MessageTexts texts)
            throws InterruptedException {
        final LocalSockets sockets = new LocalSockets(texts);
        final ChatHub hub = new ChatHub(kafka, "eventline-chat-hub-" + config.instanceId(), registry, sockets);
        hub.start(Duration.ofSeconds(60));
        started.add(hub);
        final ScheduledExecutorService socketReads = Executors.newScheduledThreadPool(2, daemonThreads("chat-reads"));
        started.add(socketReads::shutdownNow);
        final SyncReader reader = new SyncReader(exactlyOnceRouter, instances, json, texts);
        final String domain = config.rateLimit().domain();
        // a socket whose user's partition moved to another instance is sent there
        socketReads.scheduleWithFixedDelay(new MovedSockets(exactlyOnceRouter, sockets), 1, 1, TimeUnit.SECONDS);
        return new ChatSocketEndpoint(auth, chatWrites, producer, ids, config.chat(), sockets, hub, reader,
                socketReads, new ChatMetrics(meters, sockets, hub), problems, config.instanceId(), clock,
                new SharedAllowance(limiter, ids::nextIdString, domain, ChatRoutes.SEND_ENDPOINT,
                        config.rateLimit().decisionTimeout()));
    }

    /** Starts one streams application, replacing failed threads and gating queries until it caught up. */
    private static int partitionsOf(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, java.util.concurrent.TimeUnit.SECONDS)
                .get(topic).partitions().size();
    }

    private Readiness.App startStreams(org.apache.kafka.streams.Topology topology, Properties props, Admin admin) {
        final String applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        final KafkaStreams app = new KafkaStreams(topology, props);
        final Path stateDir = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG));
        PrivateFiles.keepPrivate(stateDir);
        PrivateFiles.keepPrivate(stateDir.resolve(applicationId));
        app.setUncaughtExceptionHandler(error -> {
            LOG.error("A stream thread of {} failed; replacing it", applicationId, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        final CatchUpGate gate = new CatchUpGate(app, admin, applicationId);
        started.add(gate);
        app.setStateListener((now, before) -> {
            LOG.info("Streams {}: {} -> {}", applicationId, before, now);
            gate.onStateChange(now);
        });
        started.add(() -> app.close(Duration.ofSeconds(30)));
        app.start();
        return new Readiness.App(app, gate);
    }

    /** Seeds the default templates while the templates topic has never held one; then the topic rules. */
    private void seedTemplates(Admin admin, EventProducer producer) throws Exception {
        if (!TopicContents.neverWritten(admin, NotifyTopics.TEMPLATES.name())) {
            return;
        }
        for (NotificationTemplate template : DefaultTemplates.all(clock.instant())) {
            producer.send(NotifyTopics.TEMPLATES, template).get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        LOG.info("Seeded the default notification templates");
    }

    private static ThreadFactory daemonThreads(String prefix) {
        final AtomicInteger next = new AtomicInteger();
        return runnable -> {
            final Thread thread = new Thread(runnable, prefix + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private String startBroker() {
        final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(config.dataDir().resolve("kafka"),
                config.kafkaPort(), EmbeddedKafkaBroker.DEFAULT_HOST, config.durability().brokerConfig());
        started.add(broker);
        broker.start();
        return broker.bootstrapServers();
    }

    /**
     * How Eventline's topics and Kafka Streams' internal ones are replicated and flushed on this cluster; the
     * embedded broker flushes every topic itself when asked to ({@link io.eventline.kafka.Durability}).
     */
    private TopicDurability topicDurability(Admin admin, String bootstrap) throws Exception {
        final int brokers;
        try {
            brokers = admin.describeCluster().nodes().get(TopicProvisioner.DEFAULT_TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS).size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException) {
                throw new IllegalStateException("Kafka at " + bootstrap + " refused Eventline's credentials; check "
                        + "the SASL/SSL settings in EVENTLINE_KAFKA_PROPERTIES_FILE: " + e.getCause().getMessage(),
                        e.getCause());
            }
            throw new IllegalStateException("Cannot reach Kafka at " + bootstrap + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within "
                    + TopicProvisioner.DEFAULT_TIMEOUT.toSeconds() + " s", e);
        }
        final TopicDurability durability = TopicDurability.decide(config.topicReplicationFactor(), brokers,
                config.durability() == Durability.FSYNC && !config.embeddedKafka());
        LOG.info("Kafka has {} broker(s): topics get {} replica(s){} (durability {})", brokers,
                durability.replicationFactor(), durability.topicConfig().isEmpty() ? ""
                        : " and " + durability.topicConfig(), config.durability().setting());
        return durability;
    }

    private String startRegistry(Map<String, Object> kafka, TopicDurability durability, String userInfo) {
        final SchemaRegistryServer registry = new SchemaRegistryServer(SchemaRegistryConfig
                .defaults((String) kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), userInfo)
                .withKafkaClientProperties(kafka)
                .withTopic(SCHEMAS_TOPIC)
                .withReplicationFactor(durability.replicationFactor())
                .withListener(config.registry().host(), config.registryPort())
                .withProtectedSubjects(topicSubjects()));
        started.add(registry);
        registry.start();
        return registry.url();
    }

    /** Eventline's own topics, each defined once in its domain's list. */
    private static Stream<Topic<?>> domainTopics() {
        return Stream.of(ShortUrlTopics.ALL, FeedTopics.ALL, RateLimitTopics.ALL, OperationTopics.ALL, NotifyTopics.ALL,
                ChatTopics.ALL).flatMap(List::stream);
    }

    /** The key and value subjects of Eventline's topics, which the registry keeps from deletion and weaker levels. */
    private static Set<String> topicSubjects() {
        return domainTopics().flatMap(topic -> Stream.of(AvroSerde.subject(topic.name(), true),
                AvroSerde.subject(topic.name(), false))).collect(Collectors.toUnmodifiableSet());
    }

    private List<TopicSpec> topicSpecs(TopicDurability durability) {
        final List<TopicSpec> specs = new ArrayList<>();
        domainTopics().forEach(topic -> specs.add(new TopicSpec(topic.name(), config.topicPartitions(),
                TopicSpec.BROKER_DEFAULT_REPLICATION, topic.topicConfig())));
        specs.add(TopicSpec.of(StreamsSettings.DEAD_LETTER_TOPIC, config.topicPartitions()));
        specs.add(TopicSpec.of(SCHEMAS_TOPIC, 1).compacted());
        specs.add(WorkerLease.topicSpec(WorkerLease.TOPIC));
        return specs.stream().map(durability::apply).toList();
    }

    /** Waits until the streams run and their stores answer. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (readiness.isReady()) {
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
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("Failed to close {}", started.get(i), e);
            }
        }
        started.clear();
    }
}

package io.eventline.chat;

import io.eventline.auth.InternalCalls;
import io.eventline.http.ApiRoute;
import io.eventline.http.SocketRoute;
import io.eventline.platform.DaemonThreads;
import io.eventline.platform.Domain;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.streams.StoreMove;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StreamsBuilder;

/** Chat: channels, messages, presence, and the sockets that deliver them live. */
public final class ChatDomain implements Domain {
    private static final Duration STORE_MOVE_TIMEOUT = Duration.ofSeconds(30);
    /** Texts of messages that sockets on this instance sent lately, which a group's members share. */
    private static final long MESSAGE_TEXTS_CACHE_BYTES = 64L << 20;
    /** How long the hub may take to find the end of the topics it tails at start. */
    private static final Duration HUB_START = Duration.ofSeconds(60);

    private final List<ApiRoute> routes = new ArrayList<>();
    private final List<ApiRoute> internalRoutes = new ArrayList<>();
    private SocketRoute socket;

    @Override
    public List<Topic<?>> topics() {
        return ChatTopics.ALL;
    }

    @Override
    public void beforeStreams(InstanceBasics basics) throws Exception {
        new StoreMove(basics.kafka().admin(), basics.kafka().clientConfig(), STORE_MOVE_TIMEOUT)
                .run(ChatTopology.channelSideMove(basics.config().applicationId()));
    }

    /** The channel side at least once, so no commit waits on a message's way; each user's side exactly once. */
    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        ChatTopology.addChannelSide(atLeastOnce, basics.config().chat(), basics.serdes());
        ChatTopology.addUserSide(exactlyOnce, basics.config().chat(), basics.serdes());
    }

    @Override
    public void start(SharedServices services) throws InterruptedException {
        final EventlineConfig config = services.config();
        final MessageTexts texts = new MessageTexts(services.router(),
                new InternalCalls.Caller(null, services.self().host(), false), services.json(),
                MESSAGE_TEXTS_CACHE_BYTES);
        final SocketLocator locator = new SocketLocator(services.apps().exactlyOnce().streams(), services.self(),
                config.socketUrl(), services.instances(), services.json());
        routes.addAll(new ChatRoutes(services.routeServices(services.exactlyOnceWrites(), services.router()),
                services.exactlyOnceRouter(), new ChannelIds(services.basics().jwtSecret()), config.chat(), locator,
                config.instanceId(), texts).routes());
        // started here, before the web server, and so closed after it and before the streams
        final ChatSocketEndpoint endpoint = sockets(services, texts);
        routes.add(endpoint.route());
        socket = endpoint.socket();
        internalRoutes.add(locator.route());
        internalRoutes.add(texts.route());
    }

    /** The chat socket endpoint, with the hub that feeds its sockets. */
    private static ChatSocketEndpoint sockets(SharedServices services, MessageTexts texts)
            throws InterruptedException {
        final InstanceBasics basics = services.basics();
        final EventlineConfig config = basics.config();
        final LocalSockets sockets = new LocalSockets(texts, new ChatFrames(services.json()));
        final ChatHub hub = basics.closer().add(new ChatHub(basics.kafka().clientConfig(),
                "eventline-chat-hub-" + config.instanceId(), basics.registry(), sockets));
        hub.start(HUB_START);
        final ScheduledExecutorService socketReads = Executors.newScheduledThreadPool(2,
                DaemonThreads.named("chat-reads"));
        basics.closer().add(socketReads::shutdownNow);
        final SyncReader reader = new SyncReader(services.exactlyOnceRouter(), services.instances(), services.json(),
                texts);
        // a socket whose user's partition moved to another instance is sent there
        socketReads.scheduleWithFixedDelay(new MovedSockets(services.exactlyOnceRouter(), sockets), 1, 1,
                TimeUnit.SECONDS);
        return new ChatSocketEndpoint(services.auth(), services.exactlyOnceWrites(), basics.producer(), basics.ids(),
                config.chat(), sockets, hub, reader, socketReads, new ChatMetrics(services.meters(), sockets, hub),
                services.problems(), config.instanceId(), basics.clock(),
                services.rateLimiting().allowance(ChatRoutes.SEND_ENDPOINT));
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }

    @Override
    public List<ApiRoute> internalRoutes() {
        return internalRoutes;
    }

    @Override
    public List<SocketRoute> sockets() {
        return socket == null ? List.of() : List.of(socket);
    }
}

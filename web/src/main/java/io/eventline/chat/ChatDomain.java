package io.eventline.chat;

import io.eventline.auth.InternalCalls;
import io.eventline.http.ApiRoute;
import io.eventline.http.SocketRoute;
import io.eventline.ops.KeyKind;
import io.eventline.ops.KeyPlaces;
import io.eventline.ops.KeyedStore;
import io.eventline.ops.KeyedTopic;
import io.eventline.platform.DaemonThreads;
import io.eventline.platform.Domain;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.query.LocalStores;
import io.eventline.streams.StoreMove;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

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
    private static final int QUEUE_COUNT_CAP = 100_000;
    private static final int NEWEST_SHOWN = 3;

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

    /**
     * A channel's changes, messages and members; a user's presence, cursors, fan-out records and sync queue events,
     * and where the user's queue stands: its size and the newest messages' places in it.
     */
    @Override
    public KeyPlaces keyPlaces() {
        return KeyPlaces.builder()
                .topic(KeyedTopic.keyed(KeyKind.CHANNEL, ChatTopics.CHANNEL_CHANGES, change -> new KeyedTopic.Told(
                        KeyedTopic.word(change.getKind()), KeyedTopic.word(change.getKind()) + " by "
                        + change.getActorId() + (change.getMemberId() == null ? "" : ": " + change.getMemberId())
                        + (change.getMembers().isEmpty() ? "" : ", members " + String.join(", ", change.getMembers())))))
                .topic(KeyedTopic.keyed(KeyKind.CHANNEL, ChatTopics.MESSAGES, sent -> new KeyedTopic.Told("sent",
                        "message " + sent.getClientMessageId() + " from " + sent.getSenderId() + ": "
                                + KeyedTopic.excerpt(sent.getText()))))
                .topic(KeyedTopic.keyed(KeyKind.USER, ChatTopics.PRESENCE, signal -> new KeyedTopic.Told(
                        KeyedTopic.word(signal.getKind()), "presence " + KeyedTopic.word(signal.getKind())
                        + (signal.getDevice() == null ? "" : " from device " + signal.getDevice())
                        + (signal.getInstanceId() == null ? "" : " on " + signal.getInstanceId()))))
                .topic(KeyedTopic.keyed(KeyKind.USER, ChatTopics.CURSORS, cursor -> new KeyedTopic.Told(
                        KeyedTopic.word(cursor.getKind()), KeyedTopic.word(cursor.getKind())
                        + (cursor.getChannelId() == null ? "" : " in channel " + cursor.getChannelId()
                        + " up to message " + cursor.getMessageId())
                        + (cursor.getSeq() == null ? "" : " up to seq " + cursor.getSeq()
                        + " on device " + cursor.getDevice()))))
                .topic(KeyedTopic.field(KeyKind.USER, ChatTopics.FANOUT, Function.identity(),
                        (fanout, user) -> fanout.getUserIds().contains(user), fanout -> new KeyedTopic.Told(
                                fanout.getMessage() != null ? "fanned out" : "channel change",
                                (fanout.getMessage() != null ? "message " + fanout.getMessage().getMessageId()
                                        + " of channel " + fanout.getMessage().getChannelId()
                                        : "channel " + (fanout.getChannel() == null ? "?" : fanout.getChannel()
                                        .getChannelId()) + (fanout.getRemoved() ? " left" : " changed"))
                                        + " for " + fanout.getUserIds().size() + " member(s) of this partition")))
                .topic(KeyedTopic.keyed(KeyKind.USER, ChatTopics.USER_EVENTS, ChatDomain::told))
                .stores(KeyKind.CHANNEL, KeyedStore.Application.AT_LEAST_ONCE, ChatStores.CHANNELS, ChatStores.HISTORY)
                .stores(KeyKind.USER, KeyedStore.Application.EXACTLY_ONCE, ChatStores.USERS, ChatStores.SYNC,
                        ChatStores.MEMBERSHIPS)
                .state(KeyKind.CHANNEL, KeyedStore.Application.AT_LEAST_ONCE, ChatStores.CHANNELS,
                        ChatDomain::channelState)
                .state(KeyKind.USER, KeyedStore.Application.EXACTLY_ONCE, ChatStores.SYNC, ChatDomain::queueState)
                .build();
    }

    private static KeyedTopic.Told told(ChatUserEvent event) {
        if (event.getEntry() != null) {
            final ChatMessage message = event.getEntry().getMessage();
            return new KeyedTopic.Told("queued", "message " + message.getMessageId() + " of channel "
                    + message.getChannelId() + " from " + message.getSenderId() + " at seq "
                    + event.getEntry().getSeq() + " of " + event.getUserId() + "'s sync queue");
        }
        if (event.getPresence() != null) {
            return new KeyedTopic.Told("presence", event.getPresence().getUserId() + " is "
                    + KeyedTopic.word(event.getPresence().getStatus()) + ", told to " + event.getAudience().size()
                    + " contact(s)");
        }
        return new KeyedTopic.Told(event.getRemoved() ? "left channel" : "channel view",
                "channel " + (event.getChannel() == null ? "?" : event.getChannel().getChannelId())
                        + (event.getRemoved() ? ": no longer a member" : " as " + event.getUserId() + " sees it"));
    }

    private static String channelState(LocalStores stores, String channelId) {
        final Channel channel = stores.<String, Channel>keyValue(ChatStores.CHANNELS).get(channelId);
        if (channel == null) {
            return "no such channel on its partition";
        }
        final List<String> members = channel.getMembers();
        return KeyedTopic.word(channel.getType()) + " channel" + (channel.getName() == null ? ""
                : " " + KeyedTopic.excerpt(channel.getName())) + " of " + members.size() + " member(s): "
                + String.join(", ", members.subList(0, Math.min(members.size(), 20)))
                + (members.size() > 20 ? ", …" : "") + "; newest message " + channel.getLastMessageId();
    }

    /** The user's sync queue: how many entries it holds and where the newest messages sit in it. */
    private static String queueState(LocalStores stores, String userId) {
        final ChatUser user = stores.<String, ChatUser>keyValue(ChatStores.USERS).get(userId);
        final ReadOnlyKeyValueStore<String, SyncEntry> sync = stores.keyValue(ChatStores.SYNC);
        long size = 0;
        long oldest = 0;
        try (KeyValueIterator<String, SyncEntry> entries = sync.range(ChatKeys.from(userId), ChatKeys.to(userId))) {
            while (entries.hasNext() && size < QUEUE_COUNT_CAP) {
                final SyncEntry entry = entries.next().value;
                oldest = size == 0 ? entry.getSeq() : oldest;
                size++;
            }
        }
        if (size == 0) {
            return userId + "'s sync queue is empty" + (user == null ? "" : " (head seq " + user.getLastSeq() + ")");
        }
        final List<String> newest = new ArrayList<>();
        try (KeyValueIterator<String, SyncEntry> entries = sync.reverseRange(ChatKeys.from(userId),
                ChatKeys.to(userId))) {
            for (long place = size; entries.hasNext() && newest.size() < NEWEST_SHOWN; place--) {
                final SyncEntry entry = entries.next().value;
                newest.add("message " + entry.getMessage().getMessageId() + " of channel "
                        + entry.getMessage().getChannelId() + " at seq " + entry.getSeq() + " (" + place + " of "
                        + size + ")");
            }
        }
        final String cursors = user == null || user.getCursors().isEmpty() ? "no device has acknowledged any"
                : "device cursors " + new TreeMap<>(user.getCursors());
        return userId + "'s sync queue holds " + (size == QUEUE_COUNT_CAP ? "at least " : "") + size
                + (size == 1 ? " entry" : " entries") + " (seq " + oldest + " to " + (user == null ? "?" : user.getLastSeq()) + "); " + cursors
                + "; newest: " + String.join(", ", newest);
    }

    @Override
    public List<SocketRoute> sockets() {
        return socket == null ? List.of() : List.of(socket);
    }
}

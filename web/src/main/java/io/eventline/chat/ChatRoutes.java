package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.eventline.http.EventlineWeb;
import io.eventline.http.JsonBodies;
import io.eventline.http.ProblemException;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.WriteGateway;
import io.eventline.platform.RouteServices;
import io.eventline.clients.EventProducer;
import io.eventline.query.LocalStores;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Chat's HTTP API: channels and their members, messages and history, read markers, each device's sync queue,
 * presence, and where to open the socket. Writes go through the chat application's outcomes; reads are answered
 * by the owner of the channel's or the user's partition.
 */
public final class ChatRoutes {
    static final String CHANNELS_PATH = "/api/v1/channels";
    static final String SYNC_PATH = "/api/v1/me/sync";
    private static final String TAG = "chat";
    private static final String CHANNEL = CHANNELS_PATH + "/{channelId}";
    /** How the limiter names the send route; a socket's {@code send} frames count under its rule too. */
    public static final String SEND_ENDPOINT = "POST " + CHANNEL + "/messages";
    /** How long a sync page waits for the texts its entries point at. */
    private static final Duration TEXTS_WAIT = Duration.ofSeconds(5);

    private final WriteGateway writes;
    private final QueryRouter channelRouter;
    private final QueryRouter userRouter;
    private final EventProducer producer;
    private final SnowflakeIdGenerator ids;
    private final ChannelIds channelIds;
    private final ChatSettings settings;
    private final SocketLocator sockets;
    private final String instanceId;
    private final JsonBodies bodies;
    private final ObjectMapper json;
    private final Clock clock;
    private final Executor responders;
    private final MessageTexts texts;

    /**
     * @param services   its gateway awaits outcomes as a read_committed consumer sees them (the user side's are
     *                   transactional); its router routes reads of channels to their owners in the at-least-once
     *                   application
     * @param userRouter routes reads of users' queues and views to their owners in the exactly-once application
     * @param channelIds derives direct channels' IDs with this deployment's key
     * @param instanceId this instance, named in presence signals
     */
    public ChatRoutes(RouteServices services, QueryRouter userRouter, ChannelIds channelIds, ChatSettings settings,
                      SocketLocator sockets, String instanceId, MessageTexts texts) {
        this.writes = services.writes();
        this.channelRouter = services.router();
        this.userRouter = userRouter;
        this.producer = services.producer();
        this.ids = services.ids();
        this.channelIds = channelIds;
        this.settings = settings;
        this.sockets = sockets;
        this.instanceId = instanceId;
        this.bodies = new JsonBodies(services.json());
        this.json = services.json();
        this.clock = services.clock();
        this.responders = services.responders();
        this.texts = texts;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.api(HandlerType.POST, CHANNELS_PATH, TAG,
                        "Open the direct channel with a user (201 new, 200 existing) or create a group (201)",
                        this::create).body(ChatSchemas.NEW_CHANNEL)
                        .answers(201, "The new channel", ChatSchemas.CHANNEL)
                        .answers(200, "The existing direct channel", ChatSchemas.CHANNEL).mayPend(),
                ApiRoute.api(HandlerType.GET, CHANNEL, TAG, "A channel (its members only)", this::channel)
                        .answers(200, "The channel", ChatSchemas.CHANNEL),
                ApiRoute.api(HandlerType.PUT, CHANNEL + "/members/{userId}", TAG,
                        "Add a member to a group (its members may; 404 user-not-found for a user who never signed in)",
                        ctx -> changeMember(ctx, true)).answers(200, "The group", ChatSchemas.CHANNEL).mayPend(),
                ApiRoute.api(HandlerType.DELETE, CHANNEL + "/members/{userId}", TAG,
                        "Remove a member (the creator may) or leave (anyone may remove themselves); 204",
                        ctx -> changeMember(ctx, false)).answersEmpty(204, "Removed").mayPend(),
                ApiRoute.api(HandlerType.GET, "/api/v1/me/channels", TAG,
                        "The caller's channels with their unread counts, in pages (?limit=&cursor=)", this::myChannels)
                        .paged().answers(200, "A page of channels", ChatSchemas.CHANNELS),
                ApiRoute.api(HandlerType.POST, CHANNEL + "/messages", TAG,
                        "Send a message {text, clientMessageId} (201; a resend with the same clientMessageId 200)",
                        this::send).withMaxBodyBytes(EventlineWeb.MAX_BODY_BYTES).body(ChatSchemas.NEW_MESSAGE)
                        .answers(201, "The stored message", ChatSchemas.MESSAGE)
                        .answers(200, "The message stored before under this clientMessageId", ChatSchemas.MESSAGE)
                        .mayPend(),
                ApiRoute.api(HandlerType.GET, CHANNEL + "/messages", TAG,
                        "A channel's messages, newest first (?before=<messageId>&limit=)", this::history)
                        .query("before", "A messageId: older messages only", JsonSchema.string(20))
                        .query("limit", "1-200 (50)", JsonSchema.integer(1, ChatRequests.MAX_HISTORY_LIMIT))
                        .answers(200, "A page of history", ChatSchemas.HISTORY),
                ApiRoute.api(HandlerType.POST, CHANNEL + "/read", TAG,
                        "Move the caller's read marker {messageId}", this::read).body(ChatSchemas.READ)
                        .answers(200, "The read marker", ChatSchemas.READ_MARKER).mayPend(),
                ApiRoute.api(HandlerType.GET, CHANNEL + "/presence", TAG, "Presence of a channel's members",
                        this::presence).answers(200, "Each member's presence", ChatSchemas.PRESENCE),
                ApiRoute.api(HandlerType.GET, SYNC_PATH, TAG,
                        "A device's sync queue after its cursor or ?after=<seq> (?device=&limit=)", this::sync)
                        .query("device", "The device's name", JsonSchema.string(64))
                        .query("after", "A seq: entries after it", JsonSchema.integer(0, Long.MAX_VALUE))
                        .query("limit", "1-500 (100)", JsonSchema.integer(1, ChatRequests.MAX_SYNC_LIMIT))
                        .answers(200, "Entries of the queue", ChatSchemas.SYNC),
                ApiRoute.api(HandlerType.POST, SYNC_PATH + "/ack", TAG,
                        "Acknowledge a device's sync queue up to {device, seq}", this::ack).body(ChatSchemas.ACK)
                        .answers(200, "The device's cursor", ChatSchemas.ACKED).mayPend(),
                ApiRoute.api(HandlerType.POST, "/api/v1/me/heartbeat", TAG, "Report the caller online (204)",
                        this::heartbeat).answersEmpty(204, "Online"),
                ApiRoute.api(HandlerType.GET, "/api/v1/chat/endpoint", TAG,
                        "Where to open the caller's chat socket, and how often to send heartbeats", this::endpoint)
                        .answers(200, "The socket's URL", ChatSchemas.ENDPOINT));
    }

    private void create(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final ChatRequests.NewChannel channel = ChatRequests.channel(bodies.object(ctx), caller.userId(),
                settings.maxGroupMembers());
        final String channelId = channel.type() == ChannelType.DIRECT
                ? channelIds.direct(caller.userId(), channel.members().get(0)) : ChannelIds.group(ids);
        final String eventId = ids.nextIdString();
        writes.submitForResource(ctx, ChatTopics.CHANNEL_CHANGES, eventId, caller.userId(),
                ChatEvents.create(eventId, channelId, caller.userId(), channel, clock.instant()),
                CHANNELS_PATH + "/" + channelId);
    }

    private void channel(Context ctx) throws Exception {
        answerMember(ctx, (c, channel, stores) -> {
            c.contentType("application/json").result(ChatJson.channel(channel).toString());
        });
    }

    private void changeMember(Context ctx, boolean add) {
        final Principal caller = JwtAuth.principal(ctx);
        final String channelId = channelId(ctx);
        final String memberId = ctx.pathParam("userId");
        if (!ChatRequests.isUserId(memberId)) {
            throw add ? new ProblemException(404, "user-not-found", "User not found", "no user " + memberId)
                    : new ProblemException(404, "member-not-found", "Not found", "no user " + memberId);
        }
        final String eventId = ids.nextIdString();
        writes.submit(ctx, ChatTopics.CHANNEL_CHANGES, eventId, caller.userId(),
                ChatEvents.member(eventId, channelId, caller.userId(), memberId, add, clock.instant()));
    }

    private void myChannels(Context ctx) throws Exception {
        final String userId = JwtAuth.principal(ctx).userId();
        final int limit = JsonBodies.limit(ctx);
        final String after = ChatRequests.channelAfter(ctx.queryParam("cursor"));
        userRouter.answer(ctx, ChatStores.MEMBERSHIPS, userId, (c, stores) -> {
            final ChatQuery.ChannelsPage page = ChatQuery.channels(
                    stores.<String, ChannelView>keyValue(ChatStores.MEMBERSHIPS), userId, after, limit);
            final ObjectNode body = json.createObjectNode();
            final ArrayNode channels = body.putArray("channels");
            page.channels().forEach(view -> channels.add(ChatJson.view(view)));
            body.put("nextCursor", page.more() ? ChatRequests.channelCursor(
                    page.channels().get(page.channels().size() - 1).getChannelId()) : null);
            c.contentType("application/json").result(body.toString());
        });
    }

    private void send(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final String channelId = channelId(ctx);
        final ChatRequests.NewMessage message = ChatRequests.message(bodies.object(ctx), settings.maxMessageChars());
        final String eventId = ids.nextIdString();
        writes.submit(ctx, ChatTopics.MESSAGES, eventId, caller.userId(),
                ChatEvents.message(eventId, channelId, caller.userId(), message, null, clock.instant()));
    }

    private void history(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String channelId = channelId(ctx);
        final Long before = ChatRequests.messageIdParam(ctx.queryParam("before"), "before");
        final int limit = ChatRequests.limit(ctx.queryParam("limit"), ChatRequests.DEFAULT_HISTORY_LIMIT,
                ChatRequests.MAX_HISTORY_LIMIT);
        channelRouter.answer(ctx, ChatStores.CHANNELS, channelId, (c, stores) -> {
            memberChannel(stores, channelId, caller);
            final ChatQuery.HistoryPage page = ChatQuery.history(
                    stores.<String, ChatMessage>keyValue(ChatStores.HISTORY), channelId, before, limit);
            final ObjectNode body = json.createObjectNode();
            final ArrayNode messages = body.putArray("messages");
            page.messages().forEach(message -> messages.add(ChatJson.message(message)));
            body.put("nextBefore", page.more() && !page.messages().isEmpty()
                    ? Long.toString(page.messages().get(page.messages().size() - 1).getMessageId()) : null);
            c.contentType("application/json").result(body.toString());
        });
    }

    private void read(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final String channelId = channelId(ctx);
        final long messageId = ChatRequests.messageId(bodies.object(ctx), "messageId");
        final String eventId = ids.nextIdString();
        writes.submit(ctx, ChatTopics.CURSORS, eventId, caller.userId(),
                ChatEvents.read(eventId, caller.userId(), channelId, messageId, clock.instant()));
    }

    private void presence(Context ctx) throws Exception {
        answerMember(ctx, (c, channel, stores) -> {
            final ReadOnlyKeyValueStore<String, PresenceStatus> statuses =
                    stores.globalKeyValue(ChatStores.PRESENCE_STATUS);
            final ObjectNode body = json.createObjectNode().put("channelId", channel.getChannelId());
            final ArrayNode members = body.putArray("members");
            for (String member : channel.getMembers()) {
                final PresenceStatus status = statuses.get(member);
                members.add(status != null ? ChatJson.presence(status) : json.createObjectNode()
                        .put("userId", member).put("status", "offline").putNull("lastActiveAt"));
            }
            c.contentType("application/json").result(body.toString());
        });
    }

    private void sync(Context ctx) throws Exception {
        final String userId = JwtAuth.principal(ctx).userId();
        final String device = ChatRequests.device(ctx.queryParam("device"), "/device");
        final Long after = ChatRequests.seqParam(ctx.queryParam("after"), "after");
        final int limit = ChatRequests.limit(ctx.queryParam("limit"), ChatRequests.DEFAULT_SYNC_LIMIT,
                ChatRequests.MAX_SYNC_LIMIT);
        userRouter.answer(ctx, ChatStores.USERS, userId, (c, stores) -> c.contentType("application/json")
                .result(withTexts(syncPage(json, stores, userId, device, after, limit)).toString()));
    }

    /** The page with the texts its entries point at, from the channels' histories. */
    private ObjectNode withTexts(ObjectNode page) throws InterruptedException {
        try {
            return texts.fill(page).get(TEXTS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProblemException problem) {
                throw problem;
            }
            throw ProblemException.unavailable("the messages' texts cannot be read now; retry shortly", 1);
        } catch (TimeoutException e) {
            throw ProblemException.unavailable("the messages' texts took too long to read; retry shortly", 1);
        }
    }

    /** A page of a device's sync queue as {@code GET /api/v1/me/sync} answers it, from this instance's stores. */
    static ObjectNode syncPage(ObjectMapper json, LocalStores stores, String userId, String device, Long after,
                               int limit) {
        final ReadOnlyKeyValueStore<String, ChatUser> users = stores.keyValue(ChatStores.USERS);
        final long cursor = ChatQuery.cursor(users, userId, device);
        final ChatQuery.SyncPage page = ChatQuery.sync(stores.keyValue(ChatStores.SYNC), users, userId,
                after == null ? cursor : after, limit);
        final ObjectNode body = json.createObjectNode().put("device", device).put("cursor", cursor);
        final ArrayNode entries = body.putArray("entries");
        page.entries().forEach(entry -> entries.add(ChatJson.entry(entry)));
        body.put("lastSeq", page.lastSeq()).put("hasMore", page.more()).put("oldestSeq", page.oldestSeq());
        return body;
    }

    private void ack(Context ctx) {
        final String userId = JwtAuth.principal(ctx).userId();
        final JsonNode body = bodies.object(ctx);
        final JsonNode device = body.get("device");
        final String deviceName = ChatRequests.device(device != null && device.isTextual() ? device.asText() : null,
                "/device");
        final long seq = ChatRequests.ackSeq(body);
        final String eventId = ids.nextIdString();
        writes.submit(ctx, ChatTopics.CURSORS, eventId, userId,
                ChatEvents.syncAck(eventId, userId, deviceName, seq, clock.instant()));
    }

    private void heartbeat(Context ctx) {
        final String userId = JwtAuth.principal(ctx).userId();
        final PresenceSignal signal = ChatEvents.presence(userId, PresenceSignalKind.HEARTBEAT, null, instanceId,
                clock.instant());
        ctx.future(() -> producer.send(ChatTopics.PRESENCE, signal).handleAsync((acked, error) -> {
            if (error != null) {
                throw ProblemException.unavailable("the heartbeat could not be stored; retry it", 1);
            }
            ctx.status(204);
            ctx.res().setContentType(null);
            return null;
        }, responders));
    }

    private void endpoint(Context ctx) {
        final String userId = JwtAuth.principal(ctx).userId();
        ctx.future(() -> sockets.urlFor(userId).thenAccept(url -> ctx.contentType("application/json")
                .result(json.createObjectNode().put("url", url)
                        .put("heartbeatIntervalSeconds", settings.heartbeatInterval().toSeconds()).toString())));
    }

    /** The channel, which the caller must be a member of; to anyone else it does not exist. */
    /** Answers from the channel's partition for a member of it; anyone else gets the 404 of a missing channel. */
    private void answerMember(Context ctx, MemberAnswer answer) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String channelId = channelId(ctx);
        channelRouter.answer(ctx, ChatStores.CHANNELS, channelId,
                (c, stores) -> answer.answer(c, memberChannel(stores, channelId, caller), stores));
    }

    private interface MemberAnswer {
        void answer(Context ctx, Channel channel, LocalStores stores) throws Exception;
    }

    private static Channel memberChannel(LocalStores stores, String channelId, Principal caller) {
        return ChatQuery.channel(stores.<String, Channel>keyValue(ChatStores.CHANNELS), channelId)
                .filter(channel -> channel.getMembers().contains(caller.userId()))
                .orElseThrow(() -> channelNotFound(channelId));
    }

    private static String channelId(Context ctx) {
        final String channelId = ctx.pathParam("channelId");
        if (!ChannelIds.isValid(channelId)) {
            throw channelNotFound(channelId);
        }
        return channelId;
    }

    static ProblemException channelNotFound(String channelId) {
        return new ProblemException(ChannelNotFound.STATUS, ChannelNotFound.SLUG, ChannelNotFound.TITLE,
                ChannelNotFound.detail(channelId));
    }
}

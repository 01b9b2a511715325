package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.ids.IdsUnavailableException;
import io.eventline.http.JsonSchema;
import io.eventline.http.EventlineWeb;
import io.eventline.http.ProblemException;
import io.eventline.http.Problems;
import io.eventline.http.SocketRoute;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationStatus;
import io.eventline.operations.WriteGateway;
import io.eventline.clients.EventProducer;
import io.eventline.ratelimit.SharedAllowance;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsErrorContext;
import io.javalin.websocket.WsMessageContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: the chat socket. The upgrade is authenticated (a bearer token in the Authorization header or
 * the {@code access_token} query parameter) and rate-limited like any route; a refused one is answered with a
 * problem and never upgraded. Once open, the socket receives its user's sync queue after the device's cursor and
 * then live entries, presence of contacts, channel changes and in-app notifications; it sends messages,
 * heartbeats and acknowledgements.
 */
public final class ChatSocketEndpoint {
    public static final String PATH = "/ws";
    static final String TOKEN_PARAMETER = "access_token";
    /** Frames as large as the largest message, JSON-escaped, and then some. */
    static final long MAX_TEXT_MESSAGE_BYTES = 2L * EventlineWeb.MAX_BODY_BYTES;
    /** Clients send a heartbeat every few seconds; a socket silent this long is gone. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** How long a device's acknowledgement waits for later ones before it is stored. */
    static final Duration ACK_LINGER = Duration.ofSeconds(2);
    /** The close code of a socket whose token expired: 4000 and up are the application's, 4401 reads as 401. */
    public static final int TOKEN_EXPIRED = 4401;
    private static final Logger LOG = LoggerFactory.getLogger(ChatSocketEndpoint.class);
    private static final String PRINCIPAL = "eventline.chat.principal";
    private static final String DEVICE = "eventline.chat.device";
    private static final String CALLER = "eventline.chat.caller";
    private static final String EXPIRES_AT = "eventline.chat.expires-at";

    private final JwtAuth auth;
    private final WriteGateway writes;
    private final EventProducer producer;
    private final SnowflakeIdGenerator ids;
    private final ChatSettings settings;
    private final LocalSockets local;
    private final ChatHub hub;
    private final SyncReader reader;
    private final ScheduledExecutorService scheduler;
    private final ChatMetrics metrics;
    private final Problems problems;
    private final String instanceId;
    private final Clock clock;
    private final SharedAllowance sendLimit;
    private final Map<String, ChatSocket> bySession = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();

    public ChatSocketEndpoint(JwtAuth auth, WriteGateway writes, EventProducer producer, SnowflakeIdGenerator ids,
                              ChatSettings settings, LocalSockets local, ChatHub hub, SyncReader reader,
                              ScheduledExecutorService scheduler, ChatMetrics metrics, Problems problems,
                              String instanceId, Clock clock, SharedAllowance sendLimit) {
        this.auth = auth;
        this.writes = writes;
        this.producer = producer;
        this.ids = ids;
        this.settings = settings;
        this.local = local;
        this.hub = hub;
        this.reader = reader;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.problems = problems;
        this.instanceId = instanceId;
        this.clock = clock;
        this.sendLimit = sendLimit;
    }

    /** The upgrade request, as a route: guarded, documented, and a 426 when it is not an upgrade. */
    public ApiRoute route() {
        return ApiRoute.api(HandlerType.GET, PATH, "chat",
                "Open the chat socket (WebSocket; ?access_token= when no header can be sent, ?device=)",
                this::upgrade).limitedPerIp()
                .query("access_token", "The bearer token, where no header can be sent", JsonSchema.string(8192))
                .query("device", "The device's name", JsonSchema.string(64))
                .answersEmpty(101, "Switching protocols: the socket is open");
    }

    public SocketRoute socket() {
        return new SocketRoute(PATH, this::configure, MAX_TEXT_MESSAGE_BYTES, IDLE_TIMEOUT);
    }

    private void upgrade(Context ctx) {
        if (ctx.header("Sec-WebSocket-Version") == null) {
            throw new ProblemException(426, "upgrade-required", "Upgrade required",
                    PATH + " is a WebSocket: send the upgrade headers", List.of(),
                    Map.of("Upgrade", "websocket", "Connection", "Upgrade"));
        }
        final Principal principal = auth.authenticate(ctx, TOKEN_PARAMETER);
        final String device = ctx.queryParam("device");
        ctx.attribute(PRINCIPAL, principal);
        final String token = JwtAuth.presentedToken(ctx, TOKEN_PARAMETER);
        ctx.attribute(CALLER, reader.callerOf(ctx));
        ctx.attribute(DEVICE, device == null || device.isEmpty()
                ? ChatRequests.unnamedDevice(token) : ChatRequests.device(device, "/device"));
        JwtAuth.expiresAt(token).ifPresent(expiry -> ctx.attribute(EXPIRES_AT, expiry));
    }

    private void configure(WsConfig ws) {
        ws.onConnect(this::connected);
        ws.onMessage(this::received);
        ws.onClose(this::closed);
        ws.onError(this::failed);
    }

    private void connected(WsConnectContext ctx) {
        final Principal principal = ctx.attribute(PRINCIPAL);
        final String device = ctx.attribute(DEVICE);
        final Outbox outbox = new Outbox(sink(ctx.session), this::sent, settings.socketOutboxBytes());
        final ChatSocket socket = new ChatSocket(ctx.attribute(CALLER), device, outbox, reader, scheduler,
                settings.heartbeatInterval().toSeconds(), settings.heartbeatForwardInterval(), local.frames());
        bySession.put(ctx.sessionId(), socket);
        final Instant expiresAt = ctx.attribute(EXPIRES_AT);
        if (expiresAt != null) {
            // the token authenticated the upgrade only; the socket may not outlive it
            expiries.put(ctx.sessionId(), scheduler.schedule(() -> closeAtExpiry(ctx.sessionId(), socket, expiresAt),
                    untilExpiry(expiresAt), TimeUnit.MILLISECONDS));
        }
        // registered, and its user's partitions read from a known position, before the first read of the queue:
        // no entry falls between that read and the live ones (see ChatHub.follow)
        local.add(socket);
        final Instant now = clock.instant();
        socket.heard(now);
        signal(socket, PresenceSignalKind.CONNECTED, now);
        hub.follow(socket.userId()).whenComplete((positioned, error) -> socket.open());
    }

    /**
     * Closes the socket once the clock has reached the token's expiry: the scheduler's clock is not the wall clock,
     * and a close it fires a fraction of a millisecond early is put off again, never sent before the expiry.
     */
    private void closeAtExpiry(String sessionId, ChatSocket socket, Instant expiresAt) {
        if (clock.instant().isBefore(expiresAt)) {
            // only while the socket is still open: its close removes the entry
            expiries.computeIfPresent(sessionId, (id, early) -> scheduler.schedule(
                    () -> closeAtExpiry(sessionId, socket, expiresAt), untilExpiry(expiresAt), TimeUnit.MILLISECONDS));
            return;
        }
        socket.close(TOKEN_EXPIRED, "the token expired; reconnect with a new one");
    }

    private long untilExpiry(Instant expiresAt) {
        return Math.max(0, Duration.between(clock.instant(), expiresAt).toMillis() + 1);
    }

    private void received(WsMessageContext ctx) {
        final ChatSocket socket = bySession.get(ctx.sessionId());
        if (socket == null) {
            return;
        }
        final JsonNode frame;
        try {
            frame = local.frames().parse(ctx.message());
        } catch (ProblemException problem) {
            metrics.frame(ChatMetrics.IN, ChatMetrics.INVALID);
            error(socket, problem, null);
            return;
        }
        final String type = frame.get("type").asText();
        metrics.frame(ChatMetrics.IN, type);
        try {
            switch (type) {
                case "send" -> send(socket, frame);
                case "heartbeat" -> {
                    final Instant now = clock.instant();
                    if (socket.heard(now)) {
                        signal(socket, PresenceSignalKind.HEARTBEAT, now);
                    }
                }
                case "ack" -> ack(socket, frame);
                default -> throw new IllegalStateException("parse admits no frame type " + type);
            }
        } catch (ProblemException problem) {
            error(socket, problem, textOf(frame, "clientMessageId"));
        } catch (IdsUnavailableException noIds) {
            error(socket, ProblemException.unavailable("this instance issues no IDs while it does not hold its "
                    + "worker lease; resend it with the same clientMessageId", 5), textOf(frame, "clientMessageId"));
        }
    }

    private void send(ChatSocket socket, JsonNode frame) {
        final String channelId = textOf(frame, "channelId");
        final ChatRequests.NewMessage message = ChatRequests.message(frame, settings.maxMessageChars());
        if (!ChannelIds.isValid(channelId)) {
            throw ChatRoutes.channelNotFound(channelId);
        }
        // counted with the user's other sends, over HTTP and every socket, on whichever instance decides the user
        final boolean queued = socket.afterEarlierSends(() -> sendLimit.take(socket.userId())
                .handle((admitted, refused) -> {
                    if (refused != null) {
                        error(socket, refusal(refused), message.clientMessageId());
                    } else {
                        store(socket, channelId, message);
                    }
                    return null;
                }));
        if (!queued) {
            throw ProblemException.unavailable(ChatSocket.MAX_WAITING_SENDS + " messages from this socket are "
                    + "waiting for the rate limiter; resend it with the same clientMessageId", 1);
        }
    }

    private static ProblemException refusal(Throwable error) {
        final Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof ProblemException problem ? problem
                : ProblemException.unavailable("the rate limiter did not answer; retry shortly", 1);
    }

    private void store(ChatSocket socket, String channelId, ChatRequests.NewMessage message) {
        final String eventId;
        try {
            eventId = ids.nextIdString();
        } catch (IdsUnavailableException noIds) {
            error(socket, ProblemException.unavailable("this instance issues no IDs while it does not hold its "
                    + "worker lease; resend it with the same clientMessageId", 5), message.clientMessageId());
            return;
        }
        final CompletableFuture<OperationOutcome> stored;
        try {
            stored = writes.await(ChatTopics.MESSAGES, eventId, socket.userId(), ChatEvents.message(eventId, channelId, socket.userId(),
                    message, socket.device(), clock.instant()));
        } catch (ProblemException problem) {
            error(socket, problem, message.clientMessageId());
            return;
        }
        stored.whenComplete((outcome, error) -> {
                    if (error != null) {
                        LOG.warn("A message from a socket of {} was not stored", socket.userId(), error);
                        error(socket, ProblemException.unavailable(
                                "the message could not be stored; resend it with the same clientMessageId", 1),
                                message.clientMessageId());
                    } else {
                        answer(socket, channelId, message.clientMessageId(), outcome);
                    }
                });
    }

    private void answer(ChatSocket socket, String channelId, String clientMessageId, OperationOutcome outcome) {
        if (outcome.getStatus() == OperationStatus.ACCEPTED) {
            final String ack;
            try {
                ack = local.frames().ack(clientMessageId, channelId, outcome.getResultJson());
            } catch (IllegalStateException e) {
                LOG.error("An accepted message's outcome could not be read", e);
                error(socket, ProblemException.unavailable("the message's outcome could not be read; resend it "
                        + "with the same clientMessageId", 1), clientMessageId);
                return;
            }
            socket.push("ack", ack);
        } else if (outcome.getStatus() == OperationStatus.REJECTED) {
            error(socket, WriteGateway.problemOf(outcome), clientMessageId);
        } else {
            error(socket, ProblemException.unavailable("the message was not confirmed in time; resend it with the "
                    + "same clientMessageId, which stores it once", 1), clientMessageId);
        }
    }

    private void ack(ChatSocket socket, JsonNode frame) {
        if (socket.holdAck(ChatRequests.ackSeq(frame))) {
            scheduler.schedule(() -> flushAck(socket), ACK_LINGER.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sends the socket's held acknowledgement, if any: one record per device and linger, not one per message. */
    private void flushAck(ChatSocket socket) {
        final long seq = socket.takeAck();
        if (seq < 0) {
            return;
        }
        producer.send(ChatTopics.CURSORS, ChatEvents.syncAck(null, socket.userId(), socket.device(), seq, clock.instant()))
                .whenComplete((acked, error) -> {
                    if (error != null) {
                        error(socket, ProblemException.unavailable("the acknowledgement could not be stored; "
                                + "send it again", 1), null);
                    }
                });
    }

    private void closed(WsCloseContext ctx) {
        release(ctx);
    }

    private void failed(WsErrorContext ctx) {
        LOG.debug("A chat socket failed", ctx.error());
        release(ctx);
    }

    private void release(WsContext ctx) {
        final ScheduledFuture<?> expiry = expiries.remove(ctx.sessionId());
        if (expiry != null) {
            expiry.cancel(false);
        }
        final ChatSocket socket = bySession.remove(ctx.sessionId());
        if (socket == null) {
            return;
        }
        socket.closed();
        local.remove(socket);
        hub.unfollow(socket.userId());
        flushAck(socket);
        signal(socket, PresenceSignalKind.DISCONNECTED, socket.lastHeardOf());
    }

    private void signal(ChatSocket socket, PresenceSignalKind kind, Instant at) {
        producer.send(ChatTopics.PRESENCE, ChatEvents.presence(socket.userId(), kind, socket.device(), instanceId, at))
                .whenComplete((acked, error) -> {
                    if (error != null) {
                        LOG.warn("A {} signal of {} was not stored: {}", kind, socket.userId(), error.toString());
                    }
                });
    }

    private void error(ChatSocket socket, ProblemException problem, String clientMessageId) {
        final ObjectNode body = problems.body(problem, PATH);
        socket.push("error", local.frames().error(body, clientMessageId));
    }

    private void sent(Outbox.Frame frame) {
        metrics.frame(ChatMetrics.OUT, frame.type());
        if (frame.createdAt() != null) {
            metrics.delivered(frame.createdAt(), clock.instant());
        }
    }

    private static String textOf(JsonNode frame, String field) {
        final JsonNode value = frame.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static Outbox.Sink sink(Session session) {
        return new Outbox.Sink() {
            @Override
            public void send(String text, Runnable sent, java.util.function.Consumer<Throwable> failed) {
                session.sendText(text, Callback.from(sent, failed));
            }

            @Override
            public void close(int status, String reason) {
                session.close(status, reason, Callback.NOOP);
            }
        };
    }
}

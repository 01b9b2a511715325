package io.eventline.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.eventline.http.JsonBodies;
import io.eventline.http.ProblemException;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.WriteGateway;
import io.eventline.platform.RouteServices;
import io.eventline.clients.EventProducer;
import io.eventline.query.GlobalView;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification API: services request notifications and read their status; users register devices and contact
 * points, choose settings and read their in-app inbox; admins manage templates.
 */
public final class NotifyRoutes {
    public static final String NOTIFICATIONS_PATH = "/api/v1/notifications";
    private static final String TAG = "notifications";
    private static final String TEMPLATES_PATH = "/api/v1/admin/templates";
    /** How long a template write waits for its acknowledgement, and then for this instance's copy to hold it. */
    public static final Duration TEMPLATE_APPLY_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(NotifyRoutes.class);
    private static final Base64.Encoder CURSOR_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder CURSOR_DECODER = Base64.getUrlDecoder();

    private final WriteGateway writes;
    private final QueryRouter router;
    private final GlobalView<NotificationTemplate> templates;
    private final EventProducer producer;
    private final SnowflakeIdGenerator ids;
    private final UnsubscribeLinks unsubscribe;
    private final JsonBodies bodies;
    private final ObjectMapper json;
    private final Clock clock;
    private final Executor responders;
    private final Duration applyWait;

    /** @param applyWait how long a template write waits to be stored, and then to be in force here */
    public NotifyRoutes(RouteServices services, GlobalView<NotificationTemplate> templates,
                        UnsubscribeLinks unsubscribe, Duration applyWait) {
        this.writes = services.writes();
        this.router = services.router();
        this.templates = templates;
        this.producer = services.producer();
        this.ids = services.ids();
        this.unsubscribe = unsubscribe;
        this.bodies = new JsonBodies(services.json());
        this.json = services.json();
        this.clock = services.clock();
        this.responders = services.responders();
        this.applyWait = applyWait;
    }

    public List<ApiRoute> routes() {
        return List.of(
                // services are trusted callers; the recipients' caps and settings limit what reaches people
                ApiRoute.api(HandlerType.POST, NOTIFICATIONS_PATH, TAG,
                        "Request a notification (service or admin token; 202)", this::request).unlimited()
                        .body(NotifySchemas.REQUEST).answers(202, "Accepted: Location is its status",
                                NotifySchemas.REQUEST_ACCEPTED),
                ApiRoute.api(HandlerType.GET, NOTIFICATIONS_PATH + "/{eventId}", TAG,
                        "A notification's state per channel and device: the caller's own request of that eventId, or"
                                + " the caller's deliveries as a recipient (?requestedBy= names the requester)",
                        this::status)
                        .query("requestedBy", "The requester whose notification of this eventId to read (event IDs "
                                + "are scoped by their requester)", JsonSchema.string(128))
                        .answers(200, "Each delivery's state", NotifySchemas.STATUS),
                ApiRoute.api(HandlerType.GET, "/api/v1/me/devices", TAG, "The caller's push devices", this::devices)
                        .answers(200, "The devices", NotifySchemas.DEVICES),
                ApiRoute.api(HandlerType.PUT, "/api/v1/me/devices/{deviceId}", TAG,
                        "Register or replace a push device {platform: ios|android, token}", this::putDevice)
                        .body(NotifySchemas.DEVICE_UPDATE).answers(200, "The device", NotifySchemas.DEVICE).mayPend(),
                ApiRoute.api(HandlerType.DELETE, "/api/v1/me/devices/{deviceId}", TAG, "Remove a push device (204)",
                        this::deleteDevice).answersEmpty(204, "Removed").mayPend(),
                ApiRoute.api(HandlerType.GET, "/api/v1/me/contact", TAG, "The caller's e-mail and phone",
                        this::contact).answers(200, "The contact points", NotifySchemas.CONTACT),
                ApiRoute.api(HandlerType.PUT, "/api/v1/me/contact", TAG, "Set the caller's e-mail and phone",
                        this::putContact).body(NotifySchemas.CONTACT_UPDATE)
                        .answers(200, "The contact points", NotifySchemas.CONTACT).mayPend(),
                ApiRoute.api(HandlerType.GET, "/api/v1/me/notification-settings", TAG,
                        "The caller's notification settings", this::settings)
                        .answers(200, "The settings", NotifySchemas.SETTINGS),
                ApiRoute.api(HandlerType.PUT, "/api/v1/me/notification-settings", TAG,
                        "Replace the caller's settings: channels, per-template channels, per-template caps",
                        this::putSettings).body(NotifySchemas.SETTINGS)
                        .answers(200, "The settings", NotifySchemas.SETTINGS).mayPend(),
                ApiRoute.api(HandlerType.GET, "/api/v1/me/notifications", TAG,
                        "The caller's in-app notifications, newest first, with the unread count", this::inbox)
                        .paged().answers(200, "A page of the inbox", NotifySchemas.INBOX),
                ApiRoute.api(HandlerType.POST, "/api/v1/me/notifications/{id}/read", TAG,
                        "Mark an in-app notification read (204)", this::markRead)
                        .answersEmpty(204, "Read").mayPend(),
                ApiRoute.api(HandlerType.GET, TEMPLATES_PATH, TAG, "Every notification template (admin)",
                        this::allTemplates).answers(200, "The templates", NotifySchemas.TEMPLATES),
                ApiRoute.api(HandlerType.GET, TEMPLATES_PATH + "/{name}", TAG, "One template (admin)",
                        this::template).answers(200, "The template", NotifySchemas.TEMPLATE),
                ApiRoute.api(HandlerType.PUT, TEMPLATES_PATH + "/{name}", TAG,
                        "Create or replace a template; answers once this instance uses the new version, or 202 "
                                + "when it is stored but not in force here within 10 s (admin)",
                        this::putTemplate).body(NotifySchemas.TEMPLATE_UPDATE)
                        .answers(201, "Created", NotifySchemas.TEMPLATE).answers(200, "Replaced", NotifySchemas.TEMPLATE)
                        .answers(202, "Stored, not yet in force here: Location shows it", NotifySchemas.TEMPLATE),
                ApiRoute.open(HandlerType.GET, UnsubscribeLinks.PATH, TAG,
                        "The page an e-mail's unsubscribe link opens", this::unsubscribePage).limitedPerIp()
                        .query("token", "The link's signed token", JsonSchema.string(2048))
                        .answersMedia(200, "A page with one button", "text/html"),
                ApiRoute.open(HandlerType.POST, UnsubscribeLinks.PATH, TAG,
                        "One-click unsubscribe (RFC 8058): stops e-mail of the link's template", this::unsubscribe)
                        .limitedPerIp().query("token", "The link's signed token", JsonSchema.string(2048))
                        .answers(200, "The settings now", NotifySchemas.SETTINGS).mayPend());
    }

    private void request(Context ctx) {
        final Principal caller = JwtAuth.requireServiceOrAdmin(ctx, "requesting notifications");
        final NotificationRequested request = NotifyRequests.notification(bodies.object(ctx), caller.userId(),
                clock.instant());
        ctx.future(() -> producer.send(NotifyTopics.REQUESTS, request).handleAsync((acked, error) -> {
            if (error != null) {
                LOG.warn("Notification request {} was not stored", request.getEventId(), error);
                throw ProblemException.unavailable("the request could not be stored; nothing was sent, retry it", 1);
            }
            final ObjectNode body = json.createObjectNode().put("eventId", request.getEventId())
                    .put("userId", request.getUserId()).put("status", "accepted");
            ctx.status(202).header("Location", statusPath(request.getEventId())).contentType("application/json")
                    .result(body.toString());
            return null;
        }, responders));
    }

    static String statusPath(String eventId) {
        return NOTIFICATIONS_PATH + "/" + URLEncoder.encode(eventId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void status(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String eventId = ctx.pathParam("eventId");
        final String requester = ctx.queryParam("requestedBy");
        router.answer(ctx, NotifyStores.STATUS, eventId, (c, stores) -> {
            final ReadOnlyWindowStore<String, NotificationStatus> store = stores.window(NotifyStores.STATUS);
            final NotificationStatus visible = visibleTo(caller, requester,
                    StatusKeeper.byRequester(store, eventId));
            if (visible == null) {
                throw ProblemException.notFound("no notification " + eventId + " is known to you (yet)");
            }
            c.contentType("application/json").result(NotifyJson.status(visible).toString());
        });
    }

    /**
     * Event IDs are scoped by their requester: a service sees its own request's status whole, never another's
     * recipients. An admin sees any requester's ({@code ?requestedBy=}), or every requester's together; a
     * recipient sees their own deliveries, from every requester or the one named.
     */
    private static NotificationStatus visibleTo(Principal caller, String requester,
                                                Map<String, KeyValue<Long, NotificationStatus>> byRequester) {
        if (requester != null) {
            final KeyValue<Long, NotificationStatus> asked = byRequester.get(requester);
            if (asked == null) {
                return null;
            }
            return caller.isAdmin() || caller.userId().equals(requester) ? asked.value
                    : recipientsOwn(caller, List.of(asked.value));
        }
        final KeyValue<Long, NotificationStatus> own = byRequester.get(caller.userId());
        if (own != null) {
            return own.value;
        }
        final List<NotificationStatus> all = byRequester.values().stream().map(filed -> filed.value).toList();
        if (caller.isAdmin()) {
            return all.size() == 1 ? all.get(0) : togetherWithoutRequester(all);
        }
        return recipientsOwn(caller, all);
    }

    private static NotificationStatus togetherWithoutRequester(List<NotificationStatus> statuses) {
        if (statuses.isEmpty()) {
            return null;
        }
        final List<DeliveryStatusChanged> deliveries = new ArrayList<>();
        statuses.forEach(status -> deliveries.addAll(status.getDeliveries()));
        return NotificationStatus.newBuilder(statuses.get(0)).setRequestedBy(null).setDeliveries(deliveries).build();
    }

    private static NotificationStatus recipientsOwn(Principal caller, List<NotificationStatus> statuses) {
        final List<NotificationStatus> withOwn = new ArrayList<>();
        for (NotificationStatus status : statuses) {
            final List<DeliveryStatusChanged> own = status.getDeliveries().stream()
                    .filter(delivery -> delivery.getUserId().equals(caller.userId())).toList();
            if (!own.isEmpty()) {
                withOwn.add(NotificationStatus.newBuilder(status).setDeliveries(new ArrayList<>(own)).build());
            }
        }
        return withOwn.size() <= 1 ? withOwn.stream().findFirst().orElse(null) : togetherWithoutRequester(withOwn);
    }

    private void devices(Context ctx) throws Exception {
        final String userId = JwtAuth.principal(ctx).userId();
        answerRecipient(ctx, userId, recipient -> {
            final ArrayNode items = json.createArrayNode();
            recipient.getDevices().forEach(device -> items.add(NotifyJson.device(device)));
            return json.createObjectNode().set("items", items);
        });
    }

    private void putDevice(Context ctx) {
        final String userId = JwtAuth.principal(ctx).userId();
        final Device device = NotifyRequests.device(ctx.pathParam("deviceId"), bodies.object(ctx));
        submit(ctx, change(userId, RecipientChangeKind.DEVICE_SET).setDeviceId(device.getDeviceId())
                .setPlatform(device.getPlatform()).setToken(device.getToken()));
    }

    private void deleteDevice(Context ctx) {
        final String userId = JwtAuth.principal(ctx).userId();
        submit(ctx, change(userId, RecipientChangeKind.DEVICE_REMOVED).setDeviceId(ctx.pathParam("deviceId")));
    }

    private void contact(Context ctx) throws Exception {
        answerRecipient(ctx, JwtAuth.principal(ctx).userId(), NotifyJson::contact);
    }

    private void putContact(Context ctx) {
        final String userId = JwtAuth.principal(ctx).userId();
        final String[] contact = NotifyRequests.contact(bodies.object(ctx));
        submit(ctx, change(userId, RecipientChangeKind.CONTACT_SET).setEmail(contact[0]).setPhone(contact[1]));
    }

    private void settings(Context ctx) throws Exception {
        answerRecipient(ctx, JwtAuth.principal(ctx).userId(), recipient -> NotifyJson.settings(recipient.getSettings()));
    }

    private void putSettings(Context ctx) {
        final String userId = JwtAuth.principal(ctx).userId();
        submit(ctx, change(userId, RecipientChangeKind.SETTINGS_SET)
                .setSettings(NotifyRequests.settings(bodies.object(ctx))));
    }

    private void inbox(Context ctx) throws Exception {
        final String userId = JwtAuth.principal(ctx).userId();
        final int limit = JsonBodies.limit(ctx);
        final String cursor = position(ctx.queryParam("cursor"));
        router.answer(ctx, NotifyStores.INBOX, userId, (c, stores) -> {
            final ReadOnlyKeyValueStore<String, InboxEntry> entries = stores.keyValue(NotifyStores.INBOX);
            final Recipient recipient = stores.<String, Recipient>keyValue(NotifyStores.RECIPIENTS).get(userId);
            final ObjectNode page = json.createObjectNode();
            page.put("unread", recipient == null ? 0 : recipient.getUnread());
            final ArrayNode items = page.putArray("items");
            String last = null;
            boolean more = false;
            try (KeyValueIterator<String, InboxEntry> range = entries.range(InboxKeys.after(userId, cursor),
                    InboxKeys.end(userId))) {
                while (range.hasNext()) {
                    final KeyValue<String, InboxEntry> entry = range.next();
                    if (items.size() == limit) {
                        more = true;
                        break;
                    }
                    items.add(NotifyJson.inboxEntry(entry.value));
                    last = entry.key;
                }
            }
            page.put("nextCursor", more ? CURSOR_ENCODER.encodeToString(
                    InboxKeys.positionOf(last).getBytes(StandardCharsets.UTF_8)) : null);
            c.contentType("application/json").result(page.toString());
        });
    }

    private static String position(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            final String position = new String(CURSOR_DECODER.decode(cursor), StandardCharsets.UTF_8);
            if (position.indexOf('\u0000') != 16) {
                throw new IllegalArgumentException("not a position");
            }
            return position;
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor is not one this API returned",
                    List.of(new ProblemException.FieldError("/cursor", "is not a valid cursor")));
        }
    }

    private void markRead(Context ctx) {
        final String userId = JwtAuth.principal(ctx).userId();
        submit(ctx, change(userId, RecipientChangeKind.INBOX_READ).setNotificationId(ctx.pathParam("id")));
    }

    private void allTemplates(Context ctx) {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        final ArrayNode items = json.createArrayNode();
        templates.all().forEach(template -> items.add(TemplateRequests.render(template, json)));
        ctx.contentType("application/json").result(json.createObjectNode().set("items", items).toString());
    }

    private void template(Context ctx) {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        final NotificationTemplate template = templates.get(ctx.pathParam("name"));
        if (template == null) {
            throw ProblemException.notFound("no template " + ctx.pathParam("name"));
        }
        ctx.contentType("application/json").result(TemplateRequests.render(template, json).toString());
    }

    private void putTemplate(Context ctx) throws Exception {
        final Principal caller = JwtAuth.requireRole(ctx, Principal.ADMIN);
        final String name = ctx.pathParam("name");
        if (!NotifyRequests.TEMPLATE_NAME.matcher(name).matches()) {
            throw ProblemException.badRequest("the template name is invalid", List.of(new ProblemException.FieldError(
                    "/name", "must match " + NotifyRequests.TEMPLATE_NAME.pattern())));
        }
        final NotificationTemplate current = templates.get(name);
        final long version = current == null ? 1 : current.getVersion() + 1;
        final NotificationTemplate replacement = TemplateRequests.parse(name, bodies.object(ctx), version,
                clock.instant(), caller.userId());
        WriteGateway.requireStored(producer.send(NotifyTopics.TEMPLATES, replacement), applyWait);
        // this instance's copy holds the new version before the answer, so the next request here renders with it
        final boolean applied = templates.await(name, seen -> seen.getVersion() >= version, applyWait);
        if (!applied) {
            // stored, so it comes into force: 202 says it is not yet, and where to see when it is
            ctx.status(202).header("Location", TEMPLATES_PATH + "/" + name);
        } else {
            ctx.status(current == null ? 201 : 200);
        }
        ctx.contentType("application/json").result(TemplateRequests.render(replacement, json).toString());
    }


    private void unsubscribePage(Context ctx) {
        final UnsubscribeLinks.Subscription subscription = verified(ctx);
        final String token = ctx.queryParam("token");
        ctx.contentType("text/html; charset=utf-8").result("<!doctype html><html><head><meta charset=\"utf-8\">"
                + "<title>Unsubscribe</title></head><body><h1>Stop these e-mails?</h1><p>You will no longer get e-mail"
                + " for &ldquo;" + escape(subscription.template()) + "&rdquo;.</p><form method=\"post\" action=\""
                + UnsubscribeLinks.PATH + "?token=" + escape(token) + "\"><button type=\"submit\">Unsubscribe</button>"
                + "</form></body></html>");
    }

    private void unsubscribe(Context ctx) {
        final UnsubscribeLinks.Subscription subscription = verified(ctx);
        submit(ctx, change(subscription.userId(), RecipientChangeKind.EMAIL_UNSUBSCRIBED)
                .setTemplate(subscription.template()));
    }

    private UnsubscribeLinks.Subscription verified(Context ctx) {
        return unsubscribe.verify(ctx.queryParam("token")).orElseThrow(() -> ProblemException.badRequest(
                "the unsubscribe link is not valid", List.of(new ProblemException.FieldError("/token",
                        "is not a token this service issued"))));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private RecipientChange.Builder change(String userId, RecipientChangeKind kind) {
        return RecipientChange.newBuilder().setEventId(ids.nextIdString()).setTimestamp(clock.instant())
                .setUserId(userId).setKind(kind);
    }

    private void submit(Context ctx, RecipientChange.Builder change) {
        final RecipientChange event = change.build();
        writes.submit(ctx, NotifyTopics.RECIPIENTS, event.getEventId(), event.getUserId(), event);
    }

    private void answerRecipient(Context ctx, String userId,
                                 java.util.function.Function<Recipient, ObjectNode> view) throws Exception {
        router.answer(ctx, NotifyStores.RECIPIENTS, userId, (c, stores) -> {
            final Recipient recipient = Recipients.orEmpty(
                    stores.<String, Recipient>keyValue(NotifyStores.RECIPIENTS).get(userId), userId);
            c.contentType("application/json").result(view.apply(recipient).toString());
        });
    }
}

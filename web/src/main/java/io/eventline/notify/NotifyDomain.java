package io.eventline.notify;

import io.eventline.http.ApiRoute;
import io.eventline.kafka.TopicContents;
import io.eventline.notify.delivery.ProviderClients;
import io.eventline.notify.sending.NotificationSenders;
import io.eventline.notify.sending.RetryPolicy;
import io.eventline.notify.sending.SenderConfig;
import io.eventline.ops.KeyKind;
import io.eventline.ops.KeyPlaces;
import io.eventline.ops.KeyedStore;
import io.eventline.ops.KeyedTopic;
import io.eventline.platform.Domain;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.query.GlobalView;
import io.eventline.query.LocalStores;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StreamsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Notifications: templates, requests, inboxes, and their delivery through the providers. */
public final class NotifyDomain implements Domain {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyDomain.class);

    private UnsubscribeLinks unsubscribe;
    private NotificationSenders senders;
    private List<ApiRoute> routes = List.of();

    @Override
    public List<Topic<?>> topics() {
        return NotifyTopics.ALL;
    }

    /** Seeds the default templates while the templates topic has never held one. */
    @Override
    public void beforeStreams(InstanceBasics basics) throws Exception {
        unsubscribe = new UnsubscribeLinks(basics.config().publicUrl(), basics.jwtSecret());
        if (!TopicContents.neverWritten(basics.kafka().admin(), NotifyTopics.TEMPLATES.name())) {
            return;
        }
        for (NotificationTemplate template : DefaultTemplates.all(basics.clock().instant())) {
            basics.producer().send(NotifyTopics.TEMPLATES, template).get(30, TimeUnit.SECONDS);
        }
        LOG.info("Seeded the default notification templates");
    }

    /** Exactly once: a recipient is never notified twice of one event, nor told of an aborted write. */
    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        NotifyTopology.addTo(exactlyOnce, basics.config().notifications().withUnsubscribe(unsubscribe),
                basics.serdes());
    }

    @Override
    public void start(SharedServices services) {
        final EventlineConfig config = services.config();
        final InstanceBasics basics = services.basics();
        final NotifySettings settings = config.notifications();
        final ProviderClients providers = ProviderClients.from(settings::provider, services.json());
        final List<Duration> tiers = settings.retryDelays();
        senders = basics.closer().add(new NotificationSenders(Map.of(DeliveryProvider.APNS, providers.apns(),
                DeliveryProvider.FCM, providers.fcm(), DeliveryProvider.SMS, providers.sms(),
                DeliveryProvider.SMTP, providers.email()), SenderConfig.of(basics.kafka().clientConfig(),
                config.applicationId() + StreamsSettings.NOTIFY_SUFFIX, config.instanceId(),
                RetryPolicy.of(settings.maxAttempts(), tiers.get(0), tiers.toArray(Duration[]::new))),
                basics.registry(), services.meters(), basics.clock()));
        routes = new NotifyRoutes(services.routeServices(services.writes(), services.exactlyOnceRouter()),
                new GlobalView<>(services.apps().exactlyOnce().streams(), NotifyStores.TEMPLATES), unsubscribe,
                NotifyRoutes.TEMPLATE_APPLY_WAIT).routes();
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }

    /**
     * A user's notifications: requests, deliveries queued per provider, retries, in-app entries, dead letters with
     * their reasons, recipient changes, every delivery's status (keyed by event ID, so every partition's tail is
     * read), and where the user's devices, contact points and settings stand.
     */
    @Override
    public KeyPlaces keyPlaces() {
        final KeyPlaces.Builder places = KeyPlaces.builder()
                .topic(KeyedTopic.keyed(KeyKind.USER, NotifyTopics.REQUESTS, request -> new KeyedTopic.Told(
                        "requested", "notification " + request.getEventId() + " (template " + request.getTemplate()
                        + (request.getChannels() == null ? "" : ", channels " + request.getChannels()) + ")"
                        + (request.getRequestedBy() == null ? "" : " by " + request.getRequestedBy()))))
                .topic(KeyedTopic.keyed(KeyKind.USER, NotifyTopics.INAPP, entry -> new KeyedTopic.Told("in inbox",
                        "in-app " + entry.getNotificationId() + ": " + KeyedTopic.excerpt(entry.getTitle()))))
                .topic(KeyedTopic.keyed(KeyKind.USER, NotifyTopics.DEAD_LETTERS, dead -> new KeyedTopic.Told(
                        "not sent: " + dead.getReason(), "notification " + dead.getEventId() + " given up"
                        + (dead.getDelivery() == null ? "" : " on " + KeyedTopic.word(dead.getDelivery().getProvider())
                        + " after " + dead.getDelivery().getAttempt() + " attempt(s)") + ": " + dead.getReason())))
                .topic(KeyedTopic.keyed(KeyKind.USER, NotifyTopics.RECIPIENTS, change -> new KeyedTopic.Told(
                        KeyedTopic.word(change.getKind()), KeyedTopic.word(change.getKind())
                        + (change.getDeviceId() == null ? "" : " device " + change.getDeviceId())
                        + (change.getReason() == null ? "" : ": " + change.getReason()))))
                .topic(KeyedTopic.field(KeyKind.USER, NotifyTopics.STATUS, null,
                        (status, user) -> user.equals(status.getUserId()), status -> new KeyedTopic.Told(
                                KeyedTopic.word(status.getState()) + (status.getReason() == null ? ""
                                        : ": " + status.getReason()),
                                "notification " + status.getEventId() + " on " + KeyedTopic.word(status.getChannel())
                                        + (status.getDeviceId() == null ? "" : " device " + status.getDeviceId())
                                        + " " + KeyedTopic.word(status.getState())
                                        + (status.getAttempts() > 0 ? " after " + status.getAttempts()
                                        + " attempt(s)" : "")
                                        + (status.getLastError() == null ? "" : ", last error " + status.getLastError()))));
        for (DeliveryProvider provider : DeliveryProvider.values()) {
            places.topic(KeyedTopic.keyed(KeyKind.USER, NotifyTopics.of(provider), delivery -> new KeyedTopic.Told(
                    "queued for " + KeyedTopic.word(provider), delivery(delivery))));
        }
        NotifyTopics.RETRIES.forEach(retry -> places.topic(KeyedTopic.keyed(KeyKind.USER, retry,
                delivery -> new KeyedTopic.Told("retrying" + (delivery.getLastError() == null ? ""
                        : ": " + delivery.getLastError()), delivery(delivery) + " waits on " + retry.name()))));
        return places.stores(KeyKind.USER, KeyedStore.Application.EXACTLY_ONCE, NotifyStores.RECIPIENTS,
                        NotifyStores.INBOX)
                .state(KeyKind.USER, KeyedStore.Application.EXACTLY_ONCE, NotifyStores.RECIPIENTS,
                        NotifyDomain::recipientState)
                .build();
    }

    private static String delivery(NotificationDelivery delivery) {
        return "delivery " + delivery.getDeliveryId() + " of notification " + delivery.getEventId() + " on "
                + KeyedTopic.word(delivery.getChannel()) + " via " + KeyedTopic.word(delivery.getProvider())
                + (delivery.getDeviceId() == null ? "" : " to device " + delivery.getDeviceId())
                + ", attempt " + delivery.getAttempt();
    }

    /** What decides whether a push, e-mail or text can reach the user: devices, contact points, settings. */
    private static String recipientState(LocalStores stores, String userId) {
        final Recipient recipient = stores.<String, Recipient>keyValue(NotifyStores.RECIPIENTS).get(userId);
        if (recipient == null) {
            return userId + " has no devices, contact points or settings: pushes, e-mails and texts have nowhere "
                    + "to go";
        }
        final long live = recipient.getDevices().stream().filter(device -> !device.getDisabled()).count();
        final String devices = recipient.getDevices().isEmpty() ? "no devices" : recipient.getDevices().size()
                + " device(s), " + live + " enabled" + recipient.getDevices().stream()
                .filter(Device::getDisabled).map(device -> "; " + device.getDeviceId() + " disabled"
                        + (device.getDisabledReason() == null ? "" : ": " + device.getDisabledReason()))
                .reduce("", String::concat);
        return devices + "; e-mail " + (recipient.getEmail() == null ? "none" : "set") + ", phone "
                + (recipient.getPhone() == null ? "none" : "set") + "; channels " + new TreeMap<>(
                recipient.getSettings().getChannels()) + "; " + recipient.getUnread() + " unread of "
                + recipient.getInboxSize() + " in the inbox";
    }

    @Override
    public boolean workersRunning() {
        return senders != null && senders.isRunning();
    }
}

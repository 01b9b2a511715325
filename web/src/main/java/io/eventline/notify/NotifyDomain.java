package io.eventline.notify;

import io.eventline.http.ApiRoute;
import io.eventline.kafka.TopicContents;
import io.eventline.notify.delivery.ProviderClients;
import io.eventline.notify.sending.NotificationSenders;
import io.eventline.notify.sending.RetryPolicy;
import io.eventline.notify.sending.SenderConfig;
import io.eventline.platform.Domain;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.query.GlobalView;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    @Override
    public boolean workersRunning() {
        return senders != null && senders.isRunning();
    }
}

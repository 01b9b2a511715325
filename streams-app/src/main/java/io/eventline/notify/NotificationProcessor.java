package io.eventline.notify;

import io.eventline.ratelimit.Limit;
import io.eventline.ratelimit.LimitAlgorithms;
import io.eventline.ratelimit.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Turns a request, on the partition of its recipient, into deliveries: de-duplicated by (requester, eventId,
 * userId), since each service chooses its event IDs, checked
 * against the user's settings and frequency cap, rendered, and routed to one topic per provider. Each delivery's
 * state goes to {@code notify.status.v1}; what cannot be sent at all goes to {@code notify.dead-letters.v1} with the
 * reason. A request is remembered only once it produced its deliveries, so a dead-lettered one can be sent again
 * after its template is fixed. Runs under exactly-once: the memory of a request and its deliveries commit together.
 */
final class NotificationProcessor implements Processor<String, NotificationRequested, String, Object> {
    static final int MAX_EVENT_ID_LENGTH = 128;

    private final Duration dedupeRetention;
    private final int inboxLimit;
    private final UnsubscribeLinks unsubscribe;
    private final TemplateRenderer renderer = new TemplateRenderer();
    private ProcessorContext<String, Object> context;
    private TimestampedKeyValueStore<String, NotificationTemplate> templates;
    private KeyValueStore<String, Recipient> recipients;
    private WindowStore<String, Long> dedupe;
    private KeyValueStore<String, byte[]> caps;
    private Inbox inbox;
    private NotifyMetrics metrics;

    NotificationProcessor(Duration dedupeRetention, int inboxLimit, UnsubscribeLinks unsubscribe) {
        this.dedupeRetention = dedupeRetention;
        this.inboxLimit = inboxLimit;
        this.unsubscribe = unsubscribe;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.templates = context.getStateStore(NotifyStores.TEMPLATES);
        this.recipients = context.getStateStore(NotifyStores.RECIPIENTS);
        this.dedupe = context.getStateStore(NotifyStores.DEDUPE);
        this.caps = context.getStateStore(NotifyStores.CAPS);
        this.inbox = new Inbox(context.getStateStore(NotifyStores.INBOX), context.getStateStore(NotifyStores.INBOX_INDEX));
        this.metrics = new NotifyMetrics(context.metrics());
    }

    @Override
    public void process(Record<String, NotificationRequested> record) {
        final NotificationRequested request = record.value();
        if (request == null) {
            return;
        }
        metrics.record(NotifyMetrics.ALL, "requested");
        final Optional<String> invalid = invalidReason(request);
        if (invalid.isPresent()) {
            deadLetter(record, request, invalid.get());
            return;
        }
        final String dedupeKey = InboxKeys.dedupe(request.getRequestedBy(), request.getEventId(), request.getUserId());
        if (seen(dedupeKey, record.timestamp())) {
            metrics.record(NotifyMetrics.ALL, "duplicate");
            return;
        }
        final NotificationTemplate template = ValueAndTimestamp.getValueOrNull(templates.get(request.getTemplate()));
        if (template == null) {
            deadLetter(record, request, "unknown template '" + request.getTemplate() + "'");
            return;
        }
        final Set<NotificationChannel> available = Channels.of(template);
        final Set<NotificationChannel> wanted = wantedChannels(request, available);
        final Map<NotificationChannel, TemplateRenderer.Rendered> rendered = new LinkedHashMap<>();
        try {
            for (NotificationChannel channel : wanted) {
                if (available.contains(channel)) {
                    rendered.put(channel, renderer.render(template, channel, request.getParams()));
                }
            }
        } catch (TemplateRenderer.MissingParameterException e) {
            wanted.forEach(channel -> status(record, request, channel, null, DeliveryState.FAILED, e.getMessage()));
            deadLetter(record, request, e.getMessage());
            return;
        }
        dedupe.put(dedupeKey, record.timestamp(), record.timestamp());
        final Recipient recipient = Recipients.orEmpty(recipients.get(request.getUserId()), request.getUserId());
        if (!withinCap(recipient, request.getTemplate(), record.timestamp())) {
            metrics.record(NotifyMetrics.ALL, "capped");
            wanted.forEach(channel -> skip(record, request, channel, "capped: at most "
                    + recipient.getSettings().getCaps().get(request.getTemplate())));
            return;
        }
        for (NotificationChannel channel : wanted) {
            final TemplateRenderer.Rendered text = rendered.get(channel);
            if (text == null) {
                skip(record, request, channel, "template_has_no_" + Channels.nameOf(channel));
            } else if (!Recipients.allows(recipient, request.getTemplate(), channel)) {
                skip(record, request, channel, "opted_out");
            } else {
                route(record, request, template, recipient, channel, text);
                if (channel == NotificationChannel.INAPP) {
                    // the inbox entry changed the recipient's unread count and inbox size
                    recipients.put(recipient.getUserId(), recipient);
                }
            }
        }
    }

    private void route(Record<String, NotificationRequested> record, NotificationRequested request,
                       NotificationTemplate template, Recipient recipient, NotificationChannel channel,
                       TemplateRenderer.Rendered text) {
        switch (channel) {
            case INAPP -> {
                final InboxEntry entry = InboxEntry.newBuilder()
                        .setNotificationId(NotificationIds.inboxId(request.getRequestedBy(), request.getEventId()))
                        .setUserId(request.getUserId()).setTemplate(request.getTemplate()).setTitle(text.title())
                        .setBody(text.body()).setCreatedAt(Instant.ofEpochMilli(record.timestamp())).build();
                inbox.add(recipient, entry, inboxLimit);
                context.forward(record.withKey(request.getUserId()).withValue(entry));
                status(record, request, channel, null, DeliveryState.SENT, null);
                metrics.record(Channels.nameOf(channel), "sent");
            }
            case PUSH -> {
                final List<Device> devices = recipient.getDevices().stream().filter(device -> !device.getDisabled())
                        .toList();
                if (devices.isEmpty()) {
                    skip(record, request, channel, "no_device");
                }
                for (Device device : devices) {
                    final DeliveryProvider provider = device.getPlatform() == DevicePlatform.IOS
                            ? DeliveryProvider.APNS : DeliveryProvider.FCM;
                    deliver(record, request, template, channel, provider, device.getDeviceId(), device.getToken(), text);
                }
            }
            case EMAIL -> {
                if (recipient.getEmail() == null) {
                    skip(record, request, channel, "no_contact");
                } else {
                    deliver(record, request, template, channel, DeliveryProvider.SMTP, null, recipient.getEmail(), text);
                }
            }
            case SMS -> {
                if (recipient.getPhone() == null) {
                    skip(record, request, channel, "no_contact");
                } else {
                    deliver(record, request, template, channel, DeliveryProvider.SMS, null, recipient.getPhone(), text);
                }
            }
            default -> throw new IllegalStateException("unknown channel " + channel);
        }
    }

    private void deliver(Record<String, NotificationRequested> record, NotificationRequested request,
                         NotificationTemplate template, NotificationChannel channel, DeliveryProvider provider,
                         String deviceId, String address, TemplateRenderer.Rendered text) {
        final NotificationDelivery delivery = NotificationDelivery.newBuilder()
                .setDeliveryId(DeliveryIds.of(request.getRequestedBy(), request.getEventId(), request.getUserId(),
                        channel, deviceId))
                .setEventId(request.getEventId()).setUserId(request.getUserId()).setTemplate(template.getName())
                .setTemplateVersion(template.getVersion()).setChannel(channel).setProvider(provider)
                .setDeviceId(deviceId).setAddress(address).setTitle(text.title()).setBody(text.body())
                .setSubject(text.subject()).setHtml(text.html())
                .setUnsubscribeUrl(channel == NotificationChannel.EMAIL
                        ? unsubscribe.link(request.getUserId(), template.getName()) : null)
                .setData(Map.of("eventId", request.getEventId(), "template", template.getName()))
                .setAttempt(1).setNotBefore(0).setRequestedAt(request.getCreatedAt())
                .setRequestedBy(request.getRequestedBy()).build();
        context.forward(record.withKey(request.getUserId()).withValue(delivery));
        status(record, request, channel, deviceId, DeliveryState.QUEUED, null);
        metrics.record(Channels.nameOf(channel), "queued");
    }

    private void skip(Record<String, NotificationRequested> record, NotificationRequested request,
                      NotificationChannel channel, String reason) {
        status(record, request, channel, null, DeliveryState.SKIPPED, reason);
        metrics.record(Channels.nameOf(channel), "skipped");
    }

    private void status(Record<String, NotificationRequested> record, NotificationRequested request,
                        NotificationChannel channel, String deviceId, DeliveryState state, String reason) {
        final DeliveryStatusChanged change = DeliveryStatusChanged.newBuilder().setEventId(request.getEventId())
                .setUserId(request.getUserId()).setChannel(channel).setDeviceId(deviceId).setState(state)
                .setReason(reason).setAttempts(0).setRequestedBy(request.getRequestedBy())
                .setTemplate(request.getTemplate()).setAt(Instant.ofEpochMilli(record.timestamp())).build();
        context.forward(record.withKey(request.getEventId()).withValue(change));
    }

    private void deadLetter(Record<String, NotificationRequested> record, NotificationRequested request,
                            String reason) {
        metrics.record(NotifyMetrics.ALL, "dead-lettered");
        final NotificationDeadLettered dead = NotificationDeadLettered.newBuilder()
                .setEventId(request.getEventId()).setUserId(request.getUserId()).setReason(reason)
                .setAt(Instant.ofEpochMilli(record.timestamp())).setRequest(request).build();
        context.forward(record.withKey(request.getUserId()).withValue(dead));
    }

    private boolean seen(String dedupeKey, long now) {
        try (WindowStoreIterator<Long> earlier = dedupe.fetch(dedupeKey, Instant.ofEpochMilli(
                Math.max(0, now - dedupeRetention.toMillis())), Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
            return earlier.hasNext();
        }
    }

    private boolean withinCap(Recipient recipient, String template, long now) {
        final Optional<Limit> cap = FrequencyCap.parse(recipient.getSettings().getCaps().get(template));
        if (cap.isEmpty()) {
            return true;
        }
        final String key = InboxKeys.cap(recipient.getUserId(), template);
        final Verdict verdict = LimitAlgorithms.of(cap.get().algorithm()).decide(caps.get(key), now, 1, cap.get());
        if (verdict.allowed()) {
            caps.put(key, verdict.state());
        }
        return verdict.allowed();
    }

    /** The channels to try: the requested ones, or every one the template has. */
    private static Set<NotificationChannel> wantedChannels(NotificationRequested request,
                                                           Set<NotificationChannel> available) {
        if (request.getChannels() == null) {
            return available;
        }
        final Set<NotificationChannel> wanted = EnumSet.noneOf(NotificationChannel.class);
        request.getChannels().forEach(name -> Channels.parse(name).ifPresent(wanted::add));
        return wanted;
    }

    /** Why a request cannot be processed at all, or empty. */
    static Optional<String> invalidReason(NotificationRequested request) {
        final List<String> problems = new ArrayList<>();
        final String eventId = request.getEventId();
        if (eventId == null || eventId.isEmpty() || eventId.length() > MAX_EVENT_ID_LENGTH) {
            problems.add("eventId must be 1-" + MAX_EVENT_ID_LENGTH + " characters");
        }
        if (request.getUserId() == null || request.getUserId().isEmpty() || request.getUserId().length() > 128
                || request.getUserId().chars().anyMatch(Character::isISOControl)) {
            problems.add("userId must be 1-128 characters without control characters");
        }
        if (request.getTemplate() == null || request.getTemplate().isEmpty()) {
            problems.add("template is required");
        }
        if (request.getChannels() != null) {
            final List<String> unknown = Channels.unknown(request.getChannels());
            if (!unknown.isEmpty()) {
                problems.add("unknown channels " + unknown + "; use push, email, sms or inapp");
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}

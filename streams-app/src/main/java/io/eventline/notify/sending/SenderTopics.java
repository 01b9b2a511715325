package io.eventline.notify.sending;

import io.eventline.notify.DeliveryProvider;
import io.eventline.notify.NotifyTopics;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The topic names the senders read and write. {@link #DEFAULT} is {@link NotifyTopics}; another set lets
 * several senders share a cluster without seeing each other's records.
 *
 * @param deliveries     each provider's delivery topic
 * @param retries        the retry tiers, shortest first, in the order of {@link NotifyTopics#RETRIES}
 * @param status         delivery state changes, keyed by eventId
 * @param deadLetters    deliveries given up, keyed by userId
 * @param recipients     recipient changes (devices disabled), keyed by userId
 * @param rawDeadLetters records that could not be read, as they were
 */
public record SenderTopics(Map<DeliveryProvider, String> deliveries, List<String> retries, String status,
                           String deadLetters, String recipients, String rawDeadLetters) {

    /** The topics of {@link NotifyTopics} and {@link StreamsSettings#DEAD_LETTER_TOPIC}. */
    public static final SenderTopics DEFAULT = defaults();

    public SenderTopics {
        deliveries = Map.copyOf(deliveries);
        for (DeliveryProvider provider : DeliveryProvider.values()) {
            if (!deliveries.containsKey(provider)) {
                throw new IllegalArgumentException("No delivery topic for " + provider);
            }
        }
        retries = List.copyOf(retries);
        if (retries.size() != NotifyTopics.RETRIES.size()) {
            throw new IllegalArgumentException("Need " + NotifyTopics.RETRIES.size() + " retry topics, got "
                    + retries);
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(recipients, "recipients");
        Objects.requireNonNull(rawDeadLetters, "rawDeadLetters");
    }

    /** The delivery topic of {@code provider}. */
    public String deliveries(DeliveryProvider provider) {
        return deliveries.get(provider);
    }

    /** Every name passed through {@code rename}, e.g. to add a suffix. */
    public SenderTopics renamed(UnaryOperator<String> rename) {
        final Map<DeliveryProvider, String> renamed = new EnumMap<>(DeliveryProvider.class);
        deliveries.forEach((provider, name) -> renamed.put(provider, rename.apply(name)));
        return new SenderTopics(renamed, retries.stream().map(rename).toList(), rename.apply(status),
                rename.apply(deadLetters), rename.apply(recipients), rename.apply(rawDeadLetters));
    }

    /** Every topic named here, each once. */
    public List<String> all() {
        return Stream.of(deliveries.values().stream(), retries.stream(),
                        Stream.of(status, deadLetters, recipients, rawDeadLetters))
                .flatMap(names -> names)
                .distinct()
                .toList();
    }

    private static SenderTopics defaults() {
        final Map<DeliveryProvider, String> deliveries = new EnumMap<>(DeliveryProvider.class);
        for (DeliveryProvider provider : DeliveryProvider.values()) {
            deliveries.put(provider, NotifyTopics.of(provider).name());
        }
        return new SenderTopics(deliveries, NotifyTopics.RETRIES.stream().map(Topic::name).toList(),
                NotifyTopics.STATUS.name(), NotifyTopics.DEAD_LETTERS.name(), NotifyTopics.RECIPIENTS.name(),
                StreamsSettings.DEAD_LETTER_TOPIC);
    }
}

package io.eventline.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chat's meters: {@code eventline_chat_sockets} (open sockets on this instance),
 * {@code eventline_chat_hub_partitions{topic}} (the partitions of a topic this instance's hub reads: those of the
 * users whose sockets it holds), {@code eventline_chat_frames_total{direction,type}} and {@code eventline_chat_delivery_seconds} (from a
 * message's creation to its frame being sent to a socket, for entries that arrive live; what a socket catches up
 * on after it connects is not delivery time).
 */
public final class ChatMetrics {
    static final String IN = "in";
    static final String OUT = "out";
    /** Client frames of no known type are counted under this one, so junk cannot mint meters. */
    static final String INVALID = "invalid";

    private final MeterRegistry registry;
    private final Timer delivery;
    private final Map<String, Counter> frames = new ConcurrentHashMap<>();

    public ChatMetrics(MeterRegistry registry, LocalSockets sockets, ChatHub hub) {
        this.registry = registry;
        Gauge.builder("eventline.chat.sockets", sockets, LocalSockets::count)
                .description("Open chat sockets on this instance").register(registry);
        for (String topic : ChatHub.topics()) {
            Gauge.builder("eventline.chat.hub.partitions", hub, reading -> reading.partitionsRead(topic))
                    .description("Partitions of the topic that this instance reads for the users of its sockets")
                    .tag("topic", topic).register(registry);
        }
        this.delivery = Timer.builder("eventline.chat.delivery")
                .description("From a message's creation to its live frame being sent to a recipient's socket")
                .publishPercentileHistogram().register(registry);
    }

    void frame(String direction, String type) {
        frames.computeIfAbsent(direction + ' ' + type, key -> Counter.builder("eventline.chat.frames")
                .description("Socket frames by direction and type").tag("direction", direction).tag("type", type)
                .register(registry)).increment();
    }

    void delivered(Instant createdAt, Instant sentAt) {
        delivery.record(Duration.between(createdAt, sentAt).isNegative() ? Duration.ZERO
                : Duration.between(createdAt, sentAt));
    }
}

package io.eventline.notify.sending;

import io.eventline.notify.DeliveryProvider;
import io.eventline.notify.delivery.ProviderClient;
import io.eventline.registry.client.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four provider senders and the retry relay of one instance, each on its own daemon thread
 * ({@code notify-sender-<provider>}, {@code notify-retry-relay}). {@link #close()} stops them, then closes the
 * provider clients, which this object owns from construction on.
 */
public final class NotificationSenders implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationSenders.class);

    private final Map<DeliveryProvider, ProviderClient> clients;
    private final Map<DeliveryProvider, ChannelSender> senders = new EnumMap<>(DeliveryProvider.class);
    private final RetryRelay relay;
    private final List<Thread> threads = new ArrayList<>();
    private final Duration joinTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts senders on the default topics.
     *
     * @param clients    a client for every {@link DeliveryProvider}; closed by {@link #close()}
     * @param groupPrefix prefix of the consumer groups and transactional ids
     * @param instanceId this instance's id, unique among running instances and stable across restarts
     */
    public NotificationSenders(Map<DeliveryProvider, ProviderClient> clients, String bootstrapServers,
                               SchemaRegistryClient registry, String groupPrefix, String instanceId,
                               RetryPolicy retryPolicy, MeterRegistry meterRegistry, Clock clock) {
        this(clients, SenderConfig.of(bootstrapServers, groupPrefix, instanceId, retryPolicy), registry,
                meterRegistry, clock);
    }

    /** Starts senders as {@code config} says; see the other constructor. */
    public NotificationSenders(Map<DeliveryProvider, ProviderClient> clients, SenderConfig config,
                               SchemaRegistryClient registry, MeterRegistry meterRegistry, Clock clock) {
        // a loop gives its batch the close timeout, then as long again once its calls are interrupted
        this.joinTimeout = config.closeTimeout().multipliedBy(2).plusSeconds(5);
        this.clients = new EnumMap<>(DeliveryProvider.class);
        for (DeliveryProvider provider : DeliveryProvider.values()) {
            this.clients.put(provider, Objects.requireNonNull(clients.get(provider), "no client for " + provider));
        }
        try {
            for (DeliveryProvider provider : DeliveryProvider.values()) {
                senders.put(provider, new ChannelSender(provider, this.clients.get(provider), config, registry,
                        meterRegistry, clock));
            }
            relay = new RetryRelay(config, registry, clock);
        } catch (RuntimeException e) {
            senders.values().forEach(ChannelSender::close);
            throw e;
        }
        senders.forEach((provider, sender) ->
                start(sender, "notify-sender-" + provider.name().toLowerCase(Locale.ROOT)));
        start(relay, "notify-retry-relay");
    }

    /** Whether every sender and the relay are running. */
    public boolean isRunning() {
        return relay.isRunning() && senders.values().stream().allMatch(ChannelSender::isRunning);
    }

    /** Stops the senders and the relay, each after its batch in flight, then closes the provider clients. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // wake every loop first so they wind down in parallel rather than one close timeout after another
        final List<Thread> closers = new ArrayList<>();
        for (ConsumerLoop loop : loops()) {
            final Thread closer = new Thread(loop::close, "notify-senders-close");
            closer.setDaemon(true);
            closer.start();
            closers.add(closer);
        }
        for (Thread thread : closers) {
            join(thread, joinTimeout);
        }
        for (Thread thread : threads) {
            join(thread, joinTimeout);
        }
        for (Map.Entry<DeliveryProvider, ProviderClient> client : clients.entrySet()) {
            try {
                client.getValue().close();
            } catch (Exception e) {
                log.warn("Closing the {} client failed", client.getKey(), e);
            }
        }
    }

    private List<ConsumerLoop> loops() {
        final List<ConsumerLoop> loops = new ArrayList<>(senders.values());
        loops.add(relay);
        return loops;
    }

    private void start(Runnable loop, String name) {
        final Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    private static void join(Thread thread, Duration timeout) {
        try {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                log.warn("{} did not stop within {}", thread.getName(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.eventline.chat;

import io.eventline.kafka.Partitions;
import io.eventline.kafka.TopicTail;
import io.eventline.notify.InboxEntry;
import io.eventline.notify.NotifyTopics;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the partitions of {@code chat.user-events.v1} and {@code notify.inapp.v1} that hold the events of the
 * users whose sockets this instance holds, and hands each record to the sockets it concerns. A partition is added
 * when a socket opens for a user on it and read from its end; it is dropped a little after its last socket
 * closed. So an instance's delivery work grows with its own sockets, not with the cluster's traffic. No consumer
 * group: any instance may hold any socket. Records are read before their transaction commits, which saves the
 * chat application's commit interval on every delivery (see the consumer's settings for why that is safe).
 */
public final class ChatHub implements AutoCloseable {
    /** How long the consumer waits for records before it looks at sockets that opened or closed. */
    static final Duration POLL = Duration.ofMillis(100);
    /** A partition whose last socket closed is read this much longer, so a reconnecting client finds it read. */
    static final Duration IDLE_GRACE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ChatHub.class);
    private static final List<String> TOPICS = List.of(ChatTopics.USER_EVENTS.name(), NotifyTopics.INAPP.name());

    // read_uncommitted: an entry reaches sockets without waiting for the chat application's commit. That is
    // safe because a user's partition numbers entries from committed input only, in its order: an aborted
    // entry comes back after the replay with the same seq and message, and sockets drop it as already sent.
    private static final TopicTail.Isolation ISOLATION = TopicTail.Isolation.READ_UNCOMMITTED;

    private final TopicTail tail;
    private final LocalSockets sockets;
    private final AvroSerde<ChatUserEvent> userEvents;
    private final AvroSerde<InboxEntry> inboxEntries;
    private final Duration idleGrace;
    private final LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    // the tail thread's alone
    private final Map<String, Partitions> partitioners = new HashMap<>();
    private final Map<TopicPartition, Integer> socketsOn = new HashMap<>();
    private final Map<TopicPartition, Long> idleSince = new HashMap<>();
    private final List<Change> waiting = new ArrayList<>();

    /** A socket of {@code userId} opened ({@code positioned} is then completed) or closed (it is null). */
    private record Change(String userId, CompletableFuture<Void> positioned) {
    }

    /**
     * @param clientConfig the Kafka client settings every client starts from (bootstrap servers, security)
     */
    public ChatHub(Map<String, ?> clientConfig, String clientId, SchemaRegistryClient registry, LocalSockets sockets) {
        this(clientConfig, clientId, registry, sockets, IDLE_GRACE);
    }

    ChatHub(Map<String, ?> clientConfig, String clientId, SchemaRegistryClient registry, LocalSockets sockets,
            Duration idleGrace) {
        this.tail = new TopicTail(clientConfig, clientId, ISOLATION, POLL, new SocketsReader());
        this.sockets = sockets;
        this.userEvents = AvroSerde.forValue(registry, ChatUserEvent.class);
        this.inboxEntries = AvroSerde.forValue(registry, InboxEntry.class);
        this.idleGrace = idleGrace;
    }

    /** Starts the hub and returns once it knows the partition counts of its topics. */
    public void start(Duration timeout) throws InterruptedException {
        if (!tail.start(timeout)) {
            throw new IllegalStateException("the chat hub could not reach its topics within " + timeout);
        }
    }

    /**
     * A socket of {@code userId} opened on this instance, and is registered in {@link LocalSockets} already.
     * Completes once the hub reads the user's partitions from a known position on: every record from there on
     * reaches the socket, and every record before it was appended after the user's step stored what it says
     * (the step writes its stores before it forwards), so a read of the user's queue started after this
     * completes finds each entry that the socket gets no live copy of. Without that order an entry written
     * between the read and the partition's first position would wait for the next live entry to reveal its gap.
     */
    public CompletableFuture<Void> follow(String userId) {
        final CompletableFuture<Void> positioned = new CompletableFuture<>();
        changes.add(new Change(userId, positioned));
        tail.wakeup();
        return positioned;
    }

    /** A socket of {@code userId} that {@link #follow} was called for closed. */
    public void unfollow(String userId) {
        changes.add(new Change(userId, null));
    }

    /** How many partitions of {@code topic} the hub reads now. */
    public int partitionsRead(String topic) {
        return tail.partitionsRead(topic);
    }

    /** The topics the hub reads. */
    public static List<String> topics() {
        return TOPICS;
    }

    /** Reads exactly the partitions of the users whose sockets are open here, or closed within the grace. */
    private final class SocketsReader implements TopicTail.Reader {
        @Override
        public List<String> topics() {
            return TOPICS;
        }

        @Override
        public void partitionCounts(Map<String, Integer> counts) {
            counts.forEach((topic, count) -> partitioners.put(topic, new Partitions(count)));
        }

        @Override
        public Set<TopicPartition> partitions() {
            for (Change change = changes.poll(); change != null; change = changes.poll()) {
                apply(change);
            }
            final long now = System.nanoTime();
            for (Iterator<Map.Entry<TopicPartition, Long>> it = idleSince.entrySet().iterator(); it.hasNext(); ) {
                final Map.Entry<TopicPartition, Long> idle = it.next();
                if (now - idle.getValue() >= idleGrace.toNanos()) {
                    socketsOn.remove(idle.getKey());
                    it.remove();
                }
            }
            return socketsOn.keySet();
        }

        @Override
        public void positioned(Set<TopicPartition> unpositioned) {
            for (Iterator<Change> it = waiting.iterator(); it.hasNext(); ) {
                final Change change = it.next();
                if (partitionsOf(change.userId()).stream().noneMatch(unpositioned::contains)) {
                    change.positioned().complete(null);
                    it.remove();
                }
            }
        }

        @Override
        public void accept(ConsumerRecord<String, byte[]> record) {
            dispatch(record);
        }

        @Override
        public void stopped(RuntimeException failure) {
            if (failure != null) {
                LOG.error("The chat hub stopped: sockets on this instance get no live events", failure);
            }
            waiting.forEach(change -> change.positioned().complete(null));
        }
    }

    private void apply(Change change) {
        for (TopicPartition partition : partitionsOf(change.userId())) {
            if (change.positioned() != null) {
                socketsOn.merge(partition, 1, Integer::sum);
                idleSince.remove(partition);
            } else if (socketsOn.merge(partition, -1, Integer::sum) <= 0) {
                socketsOn.put(partition, 0);
                idleSince.put(partition, System.nanoTime());
            }
        }
        if (change.positioned() != null) {
            waiting.add(change);
        }
    }

    private List<TopicPartition> partitionsOf(String userId) {
        final List<TopicPartition> partitions = new ArrayList<>(TOPICS.size());
        partitioners.forEach((topic, partitioner) -> partitions.add(new TopicPartition(topic, partitioner.of(userId))));
        return partitions;
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(ChatTopics.USER_EVENTS.name())) {
                final ChatUserEvent event = userEvents.deserialize(record.topic(), record.value());
                if (event != null) {
                    sockets.userEvent(event);
                }
            } else {
                final InboxEntry entry = inboxEntries.deserialize(record.topic(), record.value());
                if (entry != null) {
                    sockets.notification(entry);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Skipping a live event at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        tail.close();
    }
}

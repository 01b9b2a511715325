package io.eventline.chat;

import io.eventline.notify.InboxEntry;
import io.eventline.notify.NotifyTopics;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails every partition of {@code chat.user-events.v1} and {@code notify.inapp.v1} from their ends and hands each
 * record to the sockets of this instance it concerns. No consumer group: every instance reads everything, so a
 * socket may be held by any instance. Records are read before their transaction commits, which saves the chat
 * application's commit interval on every delivery (see the consumer's settings for why that is safe).
 */
public final class ChatHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChatHub.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final LocalSockets sockets;
    private final AvroSerde<ChatUserEvent> userEvents;
    private final AvroSerde<InboxEntry> inboxEntries;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;

    /**
     * @param clientConfig the Kafka client settings every client starts from (bootstrap servers, security)
     */
    public ChatHub(Map<String, ?> clientConfig, String clientId, SchemaRegistryClient registry, LocalSockets sockets) {
        final Properties props = new Properties();
        props.putAll(clientConfig);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // read_uncommitted: an entry reaches sockets without waiting for the chat application's commit. That is
        // safe because a user's partition numbers entries from committed input only, in its order: an aborted
        // entry comes back after the replay with the same seq and message, and sockets drop it as already sent.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.sockets = sockets;
        this.userEvents = AvroSerde.forValue(registry, ChatUserEvent.class);
        this.inboxEntries = AvroSerde.forValue(registry, InboxEntry.class);
        this.thread = new Thread(this::run, "chat-hub");
        this.thread.setDaemon(true);
    }

    /** Starts tailing and returns once positioned at the end of every partition. */
    public void start(Duration timeout) throws InterruptedException {
        thread.start();
        if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the chat hub could not reach its topics within " + timeout);
        }
    }

    private void run() {
        try {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(ChatTopics.USER_EVENTS.name(), NotifyTopics.INAPP.name())) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("The chat hub was woken up while running", e);
            }
        } catch (RuntimeException e) {
            LOG.error("The chat hub stopped: sockets on this instance get no live events", e);
        } finally {
            consumer.close();
        }
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
        running.set(false);
        consumer.wakeup();
        thread.join(5_000);
    }
}

package io.eventline.notify.sending;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the senders and the retry relay run.
 *
 * @param bootstrapServers the Kafka cluster
 * @param groupPrefix      prefix of the consumer groups ({@code <prefix>-sender-<provider>},
 *                         {@code <prefix>-retry-relay}) and transactional ids
 * @param instanceId       this instance's id, unique among running instances and stable across restarts so a
 *                         restarted instance fences its predecessor's transactions
 * @param retryPolicy      attempts and waits after transient failures
 * @param topics           the topics read and written
 * @param concurrency      provider calls in flight at once per sender
 * @param maxPollRecords   deliveries per batch, i.e. per transaction
 * @param closeTimeout     how long {@code close()} lets a batch in flight finish
 */
public record SenderConfig(String bootstrapServers, String groupPrefix, String instanceId, RetryPolicy retryPolicy,
                           SenderTopics topics, int concurrency, int maxPollRecords, Duration closeTimeout) {

    public SenderConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(groupPrefix, "groupPrefix");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (concurrency < 1 || maxPollRecords < 1) {
            throw new IllegalArgumentException("concurrency and maxPollRecords must be positive, got "
                    + concurrency + " and " + maxPollRecords);
        }
    }

    /** The default topics, 8 calls in flight, batches of 50 and 30 s to finish a batch on close. */
    public static SenderConfig of(String bootstrapServers, String groupPrefix, String instanceId,
                                  RetryPolicy retryPolicy) {
        return new SenderConfig(bootstrapServers, groupPrefix, instanceId, retryPolicy, SenderTopics.DEFAULT, 8, 50,
                Duration.ofSeconds(30));
    }

    /** A copy reading and writing other topics. */
    public SenderConfig withTopics(SenderTopics other) {
        return new SenderConfig(bootstrapServers, groupPrefix, instanceId, retryPolicy, other, concurrency,
                maxPollRecords, closeTimeout);
    }
}

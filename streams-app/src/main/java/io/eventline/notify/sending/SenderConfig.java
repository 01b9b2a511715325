package io.eventline.notify.sending;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where and how the senders and the retry relay run.
 *
 * @param clientConfig     the Kafka client settings every client starts from (bootstrap servers, security)
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
public record SenderConfig(Map<String, Object> clientConfig, String groupPrefix, String instanceId, RetryPolicy retryPolicy,
                           SenderTopics topics, int concurrency, int maxPollRecords, Duration closeTimeout) {

    public SenderConfig {
        clientConfig = Map.copyOf(clientConfig);
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

    /** A config for a cluster reached with plain connections. */
    public SenderConfig(String bootstrapServers, String groupPrefix, String instanceId, RetryPolicy retryPolicy,
                        SenderTopics topics, int concurrency, int maxPollRecords, Duration closeTimeout) {
        this(plain(bootstrapServers), groupPrefix, instanceId, retryPolicy, topics, concurrency, maxPollRecords,
                closeTimeout);
    }

    /** {@link #of(Map, String, String, RetryPolicy)} for a cluster reached with plain connections. */
    public static SenderConfig of(String bootstrapServers, String groupPrefix, String instanceId,
                                  RetryPolicy retryPolicy) {
        return of(plain(bootstrapServers), groupPrefix, instanceId, retryPolicy);
    }

    /** The default topics, 8 calls in flight, batches of 50 and 30 s to finish a batch on close. */
    public static SenderConfig of(Map<String, Object> clientConfig, String groupPrefix, String instanceId,
                                  RetryPolicy retryPolicy) {
        return new SenderConfig(clientConfig, groupPrefix, instanceId, retryPolicy, SenderTopics.DEFAULT, 8, 50,
                Duration.ofSeconds(30));
    }

    private static Map<String, Object> plain(String bootstrapServers) {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
    }

    /** A copy reading and writing other topics. */
    public SenderConfig withTopics(SenderTopics other) {
        return new SenderConfig(clientConfig, groupPrefix, instanceId, retryPolicy, other, concurrency,
                maxPollRecords, closeTimeout);
    }
}

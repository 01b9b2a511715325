package io.eventline.platform;

import io.eventline.kafka.Durability;
import io.eventline.kafka.TopicDurability;
import io.eventline.kafka.TopicProvisioner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster an instance uses: its clients' configuration, an admin client, and how topics are replicated
 * and flushed there.
 *
 * @param clientConfig what every Kafka client of the instance is configured with
 */
public record KafkaCluster(Map<String, Object> clientConfig, Admin admin, TopicDurability durability) {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);

    /** Connects to {@code bootstrap} and decides the topics' durability from the brokers that answer. */
    static KafkaCluster connect(EventlineConfig config, String bootstrap, Closer closer) throws Exception {
        final Map<String, Object> kafka = config.kafkaClientConfig(bootstrap);
        final Map<String, Object> adminConfig = new HashMap<>(kafka);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "eventline-admin-" + config.instanceId());
        final Admin admin = closer.add(Admin.create(adminConfig));
        return new KafkaCluster(kafka, admin, durability(config, admin, bootstrap));
    }

    /** The partition count of {@code topic}, which exists. */
    public int partitionsOf(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
    }

    /**
     * How Eventline's topics and Kafka Streams' internal ones are replicated and flushed on this cluster; the
     * embedded broker flushes every topic itself when asked to ({@link io.eventline.kafka.Durability}).
     */
    private static TopicDurability durability(EventlineConfig config, Admin admin, String bootstrap)
            throws Exception {
        final int brokers;
        try {
            brokers = admin.describeCluster().nodes().get(TopicProvisioner.DEFAULT_TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS).size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException) {
                throw new IllegalStateException("Kafka at " + bootstrap + " refused Eventline's credentials; check "
                        + "the SASL/SSL settings in EVENTLINE_KAFKA_PROPERTIES_FILE: " + e.getCause().getMessage(),
                        e.getCause());
            }
            throw new IllegalStateException("Cannot reach Kafka at " + bootstrap + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within "
                    + TopicProvisioner.DEFAULT_TIMEOUT.toSeconds() + " s", e);
        }
        final TopicDurability durability = TopicDurability.decide(config.topicReplicationFactor(), brokers,
                config.durability() == Durability.FSYNC && !config.embeddedKafka());
        LOG.info("Kafka has {} broker(s): topics get {} replica(s){} (durability {})", brokers,
                durability.replicationFactor(), durability.topicConfig().isEmpty() ? ""
                        : " and " + durability.topicConfig(), config.durability().setting());
        return durability;
    }
}

package io.eventline.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.feed.FeedTopics;
import io.eventline.feed.PostPublished;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationStatus;
import io.eventline.operations.OperationTopics;
import io.eventline.operations.OutcomePartitioner;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.AvroSerde;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EventProducerTest {

    private static final int OUTCOME_PARTITIONS = 6;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final MockProducer<String, byte[]> kafka = new MockProducer<>(cluster(), true, null,
            new StringSerializer(), new ByteArraySerializer());
    private final EventProducer producer = new EventProducer(kafka, registry);

    @Test
    void shouldKeyEventWithItsTopicsKeyAndWriteItInTheWireFormat() throws Exception {
        // Given
        final PostPublished post = PostPublished.newBuilder().setEventId("1").setTimestamp(Instant.EPOCH)
                .setPostId(1).setAuthorId("alice").setText("hello").build();

        // When
        producer.send(FeedTopics.POSTS, post).get();

        // Then
        final ProducerRecord<String, byte[]> sent = kafka.history().get(0);
        assertThat(sent.topic()).isEqualTo(FeedTopics.POSTS.name());
        assertThat(sent.key()).isEqualTo("alice");
        assertThat(sent.partition()).isNull();
        assertThat(AvroSerde.forValue(registry, PostPublished.class).deserialize(sent.topic(), sent.value()))
                .isEqualTo(post);
    }

    @Test
    void shouldPartitionWithTheTopicsOwnPartitioner() throws Exception {
        // Given: an outcome of an event minted by worker 9
        final String eventId = new SnowflakeIdGenerator(0, 9).nextIdString();
        final OperationOutcome outcome = OperationOutcome.newBuilder().setEventId(eventId)
                .setTimestamp(Instant.EPOCH).setStatus(OperationStatus.ACCEPTED).setHttpStatus(200).build();

        // When
        producer.send(OperationTopics.OUTCOMES, outcome).get();

        // Then: the partition of the worker, not of the key's hash
        final ProducerRecord<String, byte[]> sent = kafka.history().get(0);
        assertThat(sent.key()).isEqualTo(eventId);
        assertThat(sent.partition()).isEqualTo(new OutcomePartitioner().partitionOfWorker(9, OUTCOME_PARTITIONS));
    }

    private static Cluster cluster() {
        final Node node = new Node(0, "localhost", 9092);
        final List<PartitionInfo> outcomes = IntStream.range(0, OUTCOME_PARTITIONS)
                .mapToObj(p -> new PartitionInfo(OperationTopics.OUTCOMES.name(), p, node, new Node[] {node},
                        new Node[] {node}))
                .toList();
        return new Cluster("test", List.of(node), outcomes, java.util.Set.of(), java.util.Set.of());
    }
}

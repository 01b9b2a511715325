package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.streams.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** What the ops view tells of the dead letters it read. */
class DeadLettersTest {
    private static final String TOPIC = "eventline.dead-letters.v1";
    private final ObjectMapper json = new ObjectMapper();
    private final DeadLetters letters = new DeadLetters(TOPIC);

    @Test
    void shouldCountBySourceTopicAndKeepTheLatestReasonsNewestFirst() {
        // Given
        letters.partitionCounts(Map.of(TOPIC, 3));

        // When: 25 letters from one topic, then one from another
        for (int i = 0; i < 25; i++) {
            letters.accept(letter(i, "feed.posts.v1", "7", Long.toString(100 + i), "bad post " + i));
        }
        letters.accept(letter(25, "shorturl.requests.v1", "x", null, "unreadable"));

        // Then
        assertThat(letters.partitions()).hasSize(3);
        final JsonNode described = letters.describe(json);
        assertThat(described.get("total").asLong()).isEqualTo(26);
        assertThat(described.at("/byTopic/feed.posts.v1").asLong()).isEqualTo(25);
        assertThat(described.at("/byTopic/shorturl.requests.v1").asLong()).isEqualTo(1);
        assertThat(described.get("latest")).hasSize(DeadLetters.LATEST);
        final JsonNode newest = described.get("latest").get(0);
        assertThat(newest.get("topic").asText()).isEqualTo("shorturl.requests.v1");
        assertThat(newest.get("partition").isNull()).as("an unreadable partition header").isTrue();
        assertThat(newest.get("offset").isNull()).isTrue();
        assertThat(newest.get("reason").asText()).isEqualTo("unreadable-kind: unreadable");
        final JsonNode next = described.get("latest").get(1);
        assertThat(next.get("partition").asInt()).isEqualTo(7);
        assertThat(next.get("offset").asLong()).isEqualTo(124);
        assertThat(next.get("at").asText()).isEqualTo("1970-01-01T00:00:01.024Z");
    }

    private static ConsumerRecord<String, byte[]> letter(int offset, String topic, String partition, String sourceOffset,
                                                         String reason) {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.TOPIC, utf8(topic));
        headers.add(DeadLetterHeaders.PARTITION, utf8(partition));
        if (sourceOffset != null) {
            headers.add(DeadLetterHeaders.OFFSET, utf8(sourceOffset));
        }
        headers.add(DeadLetterHeaders.EXCEPTION, utf8(reason.equals("unreadable") ? "unreadable-kind" : "invalid"));
        headers.add(DeadLetterHeaders.MESSAGE, utf8(reason));
        return new ConsumerRecord<>(TOPIC, 0, offset, 1000L + offset, TimestampType.CREATE_TIME, 0, 0, "key",
                new byte[0], headers, Optional.empty());
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}

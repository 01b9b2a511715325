package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.http.ProblemException;
import io.eventline.serde.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChatFramesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChatFrames FRAMES = new ChatFrames(Json.mapper());

    private static int statusOf(String frame) {
        try {
            FRAMES.parse(frame);
        } catch (ProblemException e) {
            return e.status();
        }
        throw new AssertionError("expected a problem for " + frame);
    }

    @Test
    void shouldAcceptTheClientsFrameTypesAndRefuseAnythingElseWith400() {
        assertThat(FRAMES.parse("{\"type\":\"heartbeat\"}").get("type").asText()).isEqualTo("heartbeat");
        assertThat(statusOf("{not json")).isEqualTo(400);
        assertThat(statusOf("[1]")).isEqualTo(400);
        assertThat(statusOf("{\"type\":\"hello\"}")).isEqualTo(400);
        assertThat(statusOf("{\"text\":\"no type\"}")).isEqualTo(400);
    }

    @Test
    void shouldCarryAQueueEntryAsAMessageFrame() throws Exception {
        final ChatMessage message = new ChatMessage("d_x", 42L, "alice", "c1", "hi",
                Instant.parse("2026-01-01T00:00:00Z"));
        final JsonNode frame = JSON.readTree(FRAMES.message(ChatJson.entry(new SyncEntry(7L, message))));

        assertThat(frame.get("type").asText()).isEqualTo("message");
        assertThat(frame.get("seq").asLong()).isEqualTo(7);
        assertThat(frame.get("messageId").asText()).isEqualTo("42");
        assertThat(frame.get("clientMessageId").asText()).isEqualTo("c1");
        assertThat(frame.get("createdAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void shouldAckWithTheStoredMessagesIdAndRefuseAnOutcomeWithoutOne() throws Exception {
        final JsonNode ack = JSON.readTree(FRAMES.ack("c1", "d_x", "{\"messageId\":\"42\",\"text\":\"hi\"}"));

        assertThat(ack.get("type").asText()).isEqualTo("ack");
        assertThat(ack.get("clientMessageId").asText()).isEqualTo("c1");
        assertThat(ack.get("messageId").asText()).isEqualTo("42");
        assertThatThrownBy(() -> FRAMES.ack("c1", "d_x", null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FRAMES.ack("c1", "d_x", "{}")).isInstanceOf(IllegalStateException.class);
    }
}

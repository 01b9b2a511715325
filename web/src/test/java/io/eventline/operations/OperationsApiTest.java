package io.eventline.operations;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With no time to wait for outcomes, every write answers 202 and is followed through its operation. */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class OperationsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PlatformFixture platform;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of("EVENTLINE_AWAIT_TIMEOUT_MS", "0"));
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldAnswer202WithAnOperationThatLaterReportsTheOutcome() throws Exception {
        final String carol = platform.token("carol");

        // with no wait at all, an outcome that the stream decides before the write's acknowledgement comes back
        // is still answered at once (201); a few writes are enough for one that is not
        HttpResponse<String> accepted = null;
        for (int attempt = 0; attempt < 5 && (accepted == null || accepted.statusCode() == 201); attempt++) {
            accepted = platform.post("/api/v1/urls", carol,
                    "{\"url\":\"https://example.com/slow/" + UUID.randomUUID() + "\"}");
        }

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        final String location = accepted.headers().firstValue("Location").orElseThrow();
        final String eventId = JSON.readTree(accepted.body()).get("eventId").asText();
        assertThat(location).isEqualTo("/api/v1/operations/" + eventId);
        assertThat(eventId).matches("[0-9]+");

        final JsonNode operation = eventually(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
            final HttpResponse<String> response = platform.get(location, carol);
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        }, answer -> answer != null && "accepted".equals(answer.get("status").asText()));
        assertThat(operation).isNotNull();
        assertThat(operation.get("status").asText()).isEqualTo("accepted");
        assertThat(operation.get("eventId").asText()).isEqualTo(eventId);
        final String code = operation.at("/result/code").asText();
        assertThat(platform.get("/" + code, null).statusCode()).isEqualTo(302);
        assertThat(platform.get(location, platform.token("mallory")).statusCode()).isEqualTo(404);
        assertThat(platform.get(location, platform.token("root", "admin")).statusCode()).isEqualTo(200);
    }
}

package io.eventline.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.http.ProblemException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifyRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private static JsonNode body(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static List<String> pointers(Runnable parse) {
        try {
            parse.run();
        } catch (ProblemException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.errors().stream().map(ProblemException.FieldError::pointer).toList();
        }
        throw new AssertionError("expected a 400");
    }

    @Test
    void shouldReadANotificationRequestWithItsRequester() throws Exception {
        final NotificationRequested request = NotifyRequests.notification(body("{\"eventId\":\"order-1\","
                + "\"userId\":\"alice\",\"template\":\"shipped\",\"params\":{\"n\":\"1\"},\"channels\":[\"push\","
                + "\"push\",\"inapp\"]}"), "billing", NOW);
        assertThat(request.getChannels()).containsExactly("push", "inapp");
        assertThat(request.getParams()).isEqualTo(Map.of("n", "1"));
        assertThat(request.getRequestedBy()).isEqualTo("billing");
        assertThat(request.getCreatedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldReportEveryViolationOfANotificationRequest() throws Exception {
        final JsonNode invalid = body("{\"eventId\":\"\",\"userId\":\"a\\u0001b\",\"template\":\"Shipped!\","
                + "\"params\":{\"n\":1},\"channels\":[],\"createdAt\":\"yesterday\"}");
        assertThat(pointers(() -> NotifyRequests.notification(invalid, "svc", NOW)))
                .containsExactlyInAnyOrder("/eventId", "/userId", "/template", "/params/n", "/channels", "/createdAt");
    }

    @Test
    void shouldRefuseACreationTimeOutsideTheYears1970To9999() throws Exception {
        // Given times an event cannot hold as milliseconds, or that are no plausible date
        final List<String> outside = List.of("+1000000000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "1969-12-31T23:59:59Z", "-292275055-05-16T16:47:04.192Z");

        for (String createdAt : outside) {
            // When
            final JsonNode request = body("{\"eventId\":\"e\",\"userId\":\"u\",\"template\":\"t\","
                    + "\"createdAt\":\"" + createdAt + "\"}");

            // Then
            assertThat(pointers(() -> NotifyRequests.notification(request, "svc", NOW))).as(createdAt)
                    .containsExactly("/createdAt");
        }
        final JsonNode last = body("{\"eventId\":\"e\",\"userId\":\"u\",\"template\":\"t\","
                + "\"createdAt\":\"9999-12-31T23:59:59Z\"}");
        assertThat(NotifyRequests.notification(last, "svc", NOW).getCreatedAt())
                .isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    }

    @Test
    void shouldAcceptAnEventIdOf128CharactersAndRefuse129() throws Exception {
        final String ok = "{\"eventId\":\"" + "e".repeat(128) + "\",\"userId\":\"u\",\"template\":\"t\"}";
        assertThat(NotifyRequests.notification(body(ok), "svc", NOW).getEventId()).hasSize(128);
        final JsonNode tooLong = body(ok.replace("e".repeat(128), "e".repeat(129)));
        assertThat(pointers(() -> NotifyRequests.notification(tooLong, "svc", NOW))).containsExactly("/eventId");
    }

    @Test
    void shouldReadDevicesOfBothPlatformsAndRefuseOthers() throws Exception {
        assertThat(NotifyRequests.device("d1", body("{\"platform\":\"android\",\"token\":\"abc\"}")).getPlatform())
                .isEqualTo(DevicePlatform.ANDROID);
        final JsonNode bad = body("{\"platform\":\"windows\",\"token\":\"\"}");
        assertThat(pointers(() -> NotifyRequests.device("d1", bad))).containsExactly("/platform", "/token");
    }

    @Test
    void shouldValidateEmailAndPhoneAndClearAbsentOnes() throws Exception {
        assertThat(NotifyRequests.contact(body("{\"email\":\"a@example.com\"}"))).containsExactly("a@example.com", null);
        final JsonNode bad = body("{\"email\":\"not-an-address\",\"phone\":\"555-0100\"}");
        assertThat(pointers(() -> NotifyRequests.contact(bad))).containsExactly("/email", "/phone");
    }

    @Test
    void shouldReadSettingsAndNormaliseCaps() throws Exception {
        final NotificationSettings settings = NotifyRequests.settings(body("{\"channels\":{\"push\":true,"
                + "\"sms\":false},\"templates\":{\"new-follower\":{\"email\":false}},\"caps\":{\"new-follower\":"
                + "\"3/DAY\"}}"));
        assertThat(settings.getChannels()).isEqualTo(Map.of("push", true, "sms", false));
        assertThat(settings.getTemplates()).isEqualTo(Map.of("new-follower", Map.of("email", false)));
        assertThat(settings.getCaps()).isEqualTo(Map.of("new-follower", "3/day"));
        final JsonNode bad = body("{\"channels\":{\"fax\":true,\"push\":\"yes\"},\"templates\":{\"x\":{\"sms\":1}},"
                + "\"caps\":{\"x\":\"0/day\"}}");
        assertThat(pointers(() -> NotifyRequests.settings(bad)))
                .containsExactlyInAnyOrder("/channels/fax", "/channels/push", "/templates/x/sms", "/caps/x");
    }

    @Test
    void shouldRefuseTemplatesWithoutBodiesOrWithUnknownChannelsOrBrokenPlaceholders() throws Exception {
        assertThatThrownBy(() -> TemplateRequests.parse("t", body("{}"), 1, NOW, "ops"))
                .isInstanceOf(ProblemException.class);
        assertThat(pointers(() -> {
            try {
                TemplateRequests.parse("t", body("{\"email\":{\"subject\":\"s\",\"body\":\"{{#x}}open\"},"
                        + "\"telegram\":{}}"), 1, NOW, "ops");
            } catch (Exception e) {
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
        })).containsExactlyInAnyOrder("/telegram", "/email/body");
    }
}

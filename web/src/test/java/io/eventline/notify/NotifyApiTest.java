package io.eventline.notify;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The notification API over real HTTP on the embedded broker, with no provider configured. */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class NotifyApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static PlatformFixture platform;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String service() {
        return platform.token("billing", "service");
    }

    private static String admin() {
        return platform.token("ops", "admin");
    }

    private static void putTemplate(String name, String body, int expectedStatus) throws Exception {
        final HttpResponse<String> put = platform.put("/api/v1/admin/templates/" + name, admin(), body);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(expectedStatus);
    }

    static String everyChannelTemplate() {
        return "{\"push\":{\"title\":\"Hi {{name}}\",\"body\":\"Order {{order}} shipped\"},"
                + "\"email\":{\"subject\":\"Order {{order}}\",\"body\":\"Hello {{name}}\",\"html\":\"<p>{{name}}</p>\"},"
                + "\"sms\":{\"text\":\"Order {{order}} shipped\"},"
                + "\"inapp\":{\"title\":\"Shipped\",\"body\":\"Order {{order}} is on its way, {{name}}\"}}";
    }

    private static HttpResponse<String> notify(String eventId, String userId, String template, String params)
            throws Exception {
        return platform.post("/api/v1/notifications", service(), "{\"eventId\":\"" + eventId + "\",\"userId\":\""
                + userId + "\",\"template\":\"" + template + "\",\"params\":" + params + "}");
    }

    static List<String> statuses(JsonNode status) {
        final List<String> states = new ArrayList<>();
        status.get("deliveries").forEach(delivery -> states.add(delivery.get("channel").asText() + ":"
                + delivery.get("status").asText() + (delivery.has("reason") ? "(" + delivery.get("reason").asText()
                + ")" : "")));
        return states;
    }

    @Test
    void shouldAcceptARequestFromAServiceAndReportEveryChannelsStatus() throws Exception {
        // Given: a template with every channel, and a user with an iOS device but no e-mail or phone
        final String template = unique("shipped");
        putTemplate(template, everyChannelTemplate(), 201);
        final String alice = unique("alice");
        final HttpResponse<String> device = platform.put("/api/v1/me/devices/phone-1", platform.token(alice),
                "{\"platform\":\"ios\",\"token\":\"" + "ab".repeat(32) + "\"}");
        assertThat(device.statusCode()).as(device.body()).isEqualTo(200);

        // When: a service requests a notification
        final String eventId = unique("order-42");
        final HttpResponse<String> accepted = notify(eventId, alice, template,
                "{\"name\":\"Alice\",\"order\":\"42\"}");

        // Then: 202 with where to follow it; push has no provider here, e-mail and SMS no contact, in-app is sent
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Location")).hasValue("/api/v1/notifications/" + eventId);
        final JsonNode status = platform.awaitJson("/api/v1/notifications/" + eventId, service(),
                answer -> statuses(answer).contains("push:not_configured(" + answer.at("/deliveries/0/reason").asText()
                        + ")") || statuses(answer).stream().anyMatch(s -> s.startsWith("push:not_configured")),
                DEADLINE);
        assertThat(statuses(status)).contains("email:skipped(no_contact)", "sms:skipped(no_contact)", "inapp:sent");
        assertThat(status.get("requestedBy").asText()).isEqualTo("billing");
        final JsonNode inbox = platform.awaitJson("/api/v1/me/notifications", platform.token(alice),
                answer -> answer.get("items").size() == 1, DEADLINE);
        assertThat(inbox.get("unread").asInt()).isEqualTo(1);
        assertThat(inbox.at("/items/0/body").asText()).isEqualTo("Order 42 is on its way, Alice");
        assertThat(inbox.at("/items/0/id").asText()).isEqualTo("billing:" + eventId);

        // And: every step is counted in /metrics, the stream's per channel and the senders' per provider
        final java.util.regex.Pattern queued = java.util.regex.Pattern.compile(
                "kafka_stream_notify_queued_total\\{[^}]*notify_id=\"push\"[^}]*} [1-9]");
        final java.util.regex.Pattern notConfigured = java.util.regex.Pattern.compile(
                "eventline_notify_deliveries_total\\{[^}]*outcome=\"not_configured\"[^}]*provider=\"apns\"[^}]*} [1-9]");
        // Kafka Streams metrics reach /metrics on a periodic refresh, each sensor some time after it first counts
        final String metrics = eventually(DEADLINE, Duration.ofMillis(500), () -> platform.metrics().body(),
                body -> queued.matcher(body).find() && notConfigured.matcher(body).find()
                        && body.contains("kafka_stream_notify_sent_total")
                        && body.contains("kafka_stream_notify_skipped_total"));
        assertThat(metrics).containsPattern(queued).containsPattern(notConfigured)
                .contains("kafka_stream_notify_sent_total", "kafka_stream_notify_skipped_total");
    }

    @Test
    void shouldNotifyOncePerEventAndUserHoweverOftenItIsRequested() throws Exception {
        final String template = unique("once");
        putTemplate(template, "{\"inapp\":{\"title\":\"T\",\"body\":\"n={{n}}\"}}", 201);
        final String bob = unique("bob");
        final String eventId = unique("event");
        for (int i = 0; i < 3; i++) {
            assertThat(notify(eventId, bob, template, "{\"n\":\"" + i + "\"}").statusCode()).isEqualTo(202);
        }
        // a later, different event on the same partition is processed after the repeats; once both events show,
        // any second entry of the first would show too. The unread count is kept apart from the entries and may
        // trail the newest by a moment, so the wait covers it as well
        final String later = unique("later");
        assertThat(notify(later, bob, template, "{\"n\":\"9\"}").statusCode()).isEqualTo(202);
        final JsonNode inbox = platform.awaitJson("/api/v1/me/notifications", platform.token(bob),
                answer -> answer.toString().contains(later) && answer.toString().contains(eventId)
                        && answer.get("unread").asInt() >= 2, DEADLINE);
        assertThat(inbox.get("items").size()).isEqualTo(2);
        assertThat(inbox.get("unread").asInt()).isEqualTo(2);
        assertThat(inbox.at("/items/1/body").asText()).isEqualTo("n=0");
    }

    @Test
    void shouldScopeEventIdsByTheRequestingService() throws Exception {
        // Given: two services that pick the same eventId, for two users of whom only bob is in both requests
        final String template = unique("scoped");
        putTemplate(template, "{\"inapp\":{\"title\":\"T\",\"body\":\"from {{from}}\"}}", 201);
        final String bob = unique("bob");
        final String carol = unique("carol");
        final String eventId = unique("shared");
        final String billing = platform.token("billing", "service");
        final String shipping = platform.token("shipping", "service");
        final String body = "{\"eventId\":\"" + eventId + "\",\"template\":\"" + template + "\",\"userId\":\"%s\","
                + "\"params\":{\"from\":\"%s\"}}";

        // When: billing notifies bob and carol, shipping notifies bob under the same eventId
        assertThat(platform.post("/api/v1/notifications", billing, body.formatted(bob, "billing")).statusCode())
                .isEqualTo(202);
        assertThat(platform.post("/api/v1/notifications", billing, body.formatted(carol, "billing")).statusCode())
                .isEqualTo(202);
        final HttpResponse<String> second = platform.post("/api/v1/notifications", shipping,
                body.formatted(bob, "shipping"));
        assertThat(second.statusCode()).isEqualTo(202);

        // Then: each service reads its own request's status, with only its own recipients
        final JsonNode billingStatus = platform.awaitJson(second.headers().firstValue("Location").orElseThrow(),
                billing, answer -> answer.get("deliveries").size() == 2, DEADLINE);
        final JsonNode shippingStatus = platform.awaitJson(second.headers().firstValue("Location").orElseThrow(),
                shipping, answer -> answer.get("deliveries").size() == 1, DEADLINE);
        assertThat(billingStatus.get("requestedBy").asText()).isEqualTo("billing");
        assertThat(billingStatus.get("deliveries").findValuesAsText("userId")).containsExactlyInAnyOrder(bob, carol);
        assertThat(shippingStatus.get("requestedBy").asText()).isEqualTo("shipping");
        assertThat(shippingStatus.get("deliveries").findValuesAsText("userId")).containsExactly(bob);
        assertThat(statuses(shippingStatus)).containsExactly("inapp:sent");
        // And: a third service knows nothing of that eventId
        assertThat(platform.get("/api/v1/notifications/" + eventId, platform.token("marketing", "service"))
                .statusCode()).isEqualTo(404);

        // And: bob got both, as two inbox entries with IDs of their own, and sees his deliveries of each
        final JsonNode inbox = platform.awaitJson("/api/v1/me/notifications", platform.token(bob),
                answer -> answer.get("items").size() == 2, DEADLINE);
        assertThat(inbox.get("items").findValuesAsText("id"))
                .containsExactlyInAnyOrder("billing:" + eventId, "shipping:" + eventId);
        assertThat(inbox.get("items").findValuesAsText("body")).containsExactlyInAnyOrder("from billing",
                "from shipping");
        final JsonNode bobsView = JSON.readTree(platform.get("/api/v1/notifications/" + eventId, platform.token(bob))
                .body());
        assertThat(bobsView.get("deliveries").findValuesAsText("userId")).containsExactly(bob, bob);
        final JsonNode bobsViewOfShipping = JSON.readTree(platform.get("/api/v1/notifications/" + eventId
                + "?requestedBy=shipping", platform.token(bob)).body());
        assertThat(bobsViewOfShipping.get("requestedBy").asText()).isEqualTo("shipping");
        assertThat(bobsViewOfShipping.get("deliveries")).hasSize(1);
    }

    @Test
    void shouldRefuseRequestsFromPlainUsersAndInvalidBodies() throws Exception {
        final HttpResponse<String> user = platform.post("/api/v1/notifications", platform.token(unique("eve")),
                "{\"eventId\":\"e\",\"userId\":\"u\",\"template\":\"new-follower\"}");
        assertThat(user.statusCode()).isEqualTo(403);
        final HttpResponse<String> invalid = platform.post("/api/v1/notifications", service(),
                "{\"eventId\":\"" + "x".repeat(129) + "\",\"template\":\"Bad Name\",\"channels\":[\"fax\"],"
                        + "\"params\":{\"n\":1}}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(invalid.body()).contains("/eventId", "/userId", "/template", "/channels/0", "/params/n");
    }

    @Test
    void shouldKeepSettingsContactAndDevicesAndOptOutPerChannel() throws Exception {
        final String carol = unique("carol");
        final String token = platform.token(carol);
        final HttpResponse<String> contact = platform.put("/api/v1/me/contact", token,
                "{\"email\":\"carol@example.com\",\"phone\":\"+14155550100\"}");
        assertThat(contact.statusCode()).as(contact.body()).isEqualTo(200);
        final HttpResponse<String> settings = platform.put("/api/v1/me/notification-settings", token,
                "{\"channels\":{\"sms\":false},\"templates\":{\"new-follower\":{\"email\":false}},"
                        + "\"caps\":{\"new-follower\":\"3/day\"}}");
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
        assertThat(JSON.readTree(platform.get("/api/v1/me/notification-settings", token).body()))
                .isEqualTo(JSON.readTree("{\"channels\":{\"sms\":false},\"templates\":{\"new-follower\":"
                        + "{\"email\":false}},\"caps\":{\"new-follower\":\"3/day\"}}"));
        assertThat(JSON.readTree(platform.get("/api/v1/me/contact", token).body()).get("phone").asText())
                .isEqualTo("+14155550100");
        final HttpResponse<String> bad = platform.put("/api/v1/me/notification-settings", token,
                "{\"channels\":{\"fax\":true},\"caps\":{\"new-follower\":\"lots\"}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("/channels/fax", "/caps/new-follower");

        // a template with sms and email: sms is off for every template, email still on for this one
        final String template = unique("digest");
        putTemplate(template, everyChannelTemplate(), 201);
        final String eventId = unique("digest");
        notify(eventId, carol, template, "{\"name\":\"Carol\",\"order\":\"7\"}");
        final JsonNode status = platform.awaitJson("/api/v1/notifications/" + eventId, token,
                answer -> statuses(answer).stream().anyMatch(s -> s.startsWith("email:") && !s.endsWith("queued")),
                DEADLINE);
        assertThat(statuses(status)).contains("sms:skipped(opted_out)", "push:skipped(no_device)");
        assertThat(statuses(status)).anyMatch(s -> s.startsWith("email:not_configured"));
    }

    @Test
    void shouldRefuseADeviceBeyondTheCapWith409AndStayReady() throws Exception {
        // Given: a user who registers the largest devices the API takes, as many as the cap allows
        final String dave = unique("dave");
        final String token = platform.token(dave);
        final String largeToken = "t".repeat(4096);
        for (int i = 1; i <= 10; i++) {
            final HttpResponse<String> put = platform.put("/api/v1/me/devices/tablet-" + i, token,
                    "{\"platform\":\"android\",\"token\":\"" + largeToken + "\"}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        }

        // When: one more
        final HttpResponse<String> extra = platform.put("/api/v1/me/devices/tablet-11", token,
                "{\"platform\":\"android\",\"token\":\"" + largeToken + "\"}");

        // Then: a 409 problem naming the cap, the ten devices kept, and the instance ready throughout
        assertThat(extra.statusCode()).as(extra.body()).isEqualTo(409);
        assertThat(extra.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(extra.body()).contains("at most 10 devices");
        assertThat(JSON.readTree(platform.get("/api/v1/me/devices", token).body()).get("items")).hasSize(10);
        assertThat(platform.get("/ready", null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldMarkInboxEntriesReadAndAnswer404ForUnknownOnes() throws Exception {
        final String template = unique("note");
        putTemplate(template, "{\"inapp\":{\"title\":\"T\",\"body\":\"B\"}}", 201);
        final String dave = unique("dave");
        final String token = platform.token(dave);
        final String eventId = unique("note");
        notify(eventId, dave, template, "{}");
        platform.awaitJson("/api/v1/me/notifications", token, answer -> answer.get("unread").asInt() == 1, DEADLINE);
        final HttpResponse<String> read = platform.post("/api/v1/me/notifications/billing:" + eventId + "/read", token,
                null);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(204);
        final JsonNode inbox = JSON.readTree(platform.get("/api/v1/me/notifications", token).body());
        assertThat(inbox.get("unread").asInt()).isZero();
        assertThat(inbox.at("/items/0/read").asBoolean()).isTrue();
        assertThat(platform.post("/api/v1/me/notifications/nope/read", token, null).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseACreationTimeInTheYearOneBillionWith400AtTheField() throws Exception {
        // Given a time that overflows an event's milliseconds
        final String body = "{\"eventId\":\"" + unique("far") + "\",\"userId\":\"" + unique("u")
                + "\",\"template\":\"new-follower\",\"createdAt\":\"+1000000000-01-01T00:00:00Z\"}";

        // When
        final HttpResponse<String> response = platform.post("/api/v1/notifications", service(), body);

        // Then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).at("/errors/0/pointer").asText()).isEqualTo("/createdAt");
    }

    @Test
    void shouldVersionTemplatesAndRejectInvalidOnesWithEveryViolation() throws Exception {
        final String name = unique("promo");
        putTemplate(name, "{\"sms\":{\"text\":\"v1 {{code}}\"}}", 201);
        final HttpResponse<String> second = platform.put("/api/v1/admin/templates/" + name, admin(),
                "{\"sms\":{\"text\":\"v2 {{code}}\"}}");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).get("version").asLong()).isEqualTo(2);
        final HttpResponse<String> invalid = platform.put("/api/v1/admin/templates/" + name, admin(),
                "{\"push\":{\"title\":\"{{#open}}never closed\"},\"fax\":{}}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("/push/title", "/push/body", "/fax");
        assertThat(platform.put("/api/v1/admin/templates/" + name, platform.token("mallory"),
                "{\"sms\":{\"text\":\"x\"}}").statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(platform.get("/api/v1/admin/templates/new-follower", admin()).body())
                .at("/push/body").asText()).contains("{{follower}}");
    }

    @Test
    void shouldTellAUserAboutANewFollowerInTheirInbox() throws Exception {
        final String erin = unique("erin");
        final String frank = unique("frank");
        final HttpResponse<String> profile = platform.put("/api/v1/me/profile", platform.token(erin),
                "{\"displayName\":\"Erin\"}");
        assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
        final HttpResponse<String> follow = platform.put("/api/v1/me/following/" + erin, platform.token(frank), null);
        assertThat(follow.statusCode()).as(follow.body()).isEqualTo(204);
        final JsonNode inbox = platform.awaitJson("/api/v1/me/notifications", platform.token(erin),
                answer -> answer.get("items").size() == 1, DEADLINE);
        assertThat(inbox.at("/items/0/body").asText()).isEqualTo(frank + " started following you");
        assertThat(inbox.at("/items/0/template").asText()).isEqualTo("new-follower");
    }

    @Test
    void shouldStopEmailOfATemplateThroughTheOneClickUnsubscribeLink() throws Exception {
        final String grace = unique("grace");
        final UnsubscribeLinks links = new UnsubscribeLinks(platform.baseUrl(), PlatformFixture.JWT_SECRET);
        final URI link = URI.create(links.link(grace, "new-follower"));
        final String path = link.getRawPath() + "?" + link.getRawQuery();
        final HttpResponse<String> page = platform.get(path, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\"");
        final HttpResponse<String> unsubscribed = platform.post(path, null, null);
        assertThat(unsubscribed.statusCode()).as(unsubscribed.body()).isEqualTo(200);
        assertThat(JSON.readTree(platform.get("/api/v1/me/notification-settings", platform.token(grace)).body())
                .at("/templates/new-follower/email").asBoolean(true)).isFalse();
        assertThat(platform.post(path.replace("token=", "token=x"), null, null).statusCode()).isEqualTo(400);
    }
}

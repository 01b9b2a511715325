package io.eventline.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.notify.delivery.SelfSignedTls;
import io.eventline.notify.delivery.TestCrypto;
import io.eventline.platform.PlatformFixture;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One in-process instance whose four providers are local stand-ins: WireMock over HTTPS and HTTP/2 for APNs,
 * WireMock for FCM (with its OAuth2 token endpoint) and for a Twilio-shaped SMS API, GreenMail for SMTP. It proves
 * what reaches each provider for a request, and how the senders retry, honour Retry-After, dead-letter and retire
 * refused device tokens.
 *
 * <p>The broker, and so every topic, is shared with the other test classes of the JVM: every user, device token,
 * phone number and address here is unique, and what a stand-in received is always filtered by them.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class NotifyProvidersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(45);
    private static final int MAX_ATTEMPTS = 3;
    /** The first retry tier; with "equal jitter" the wait after a first failure is between half of it and all of it. */
    private static final Duration FIRST_TIER = Duration.ofSeconds(1);
    private static final String RETRY_DELAYS = "PT1S,PT2S,PT4S";

    private static final String APNS_TEAM_ID = "TEAM123456";
    private static final String APNS_KEY_ID = "KEY7890ABC";
    private static final String APNS_TOPIC = "io.eventline.app";
    private static final String FCM_PROJECT = "eventline-it";
    private static final String FCM_SEND_PATH = "/v1/projects/" + FCM_PROJECT + "/messages:send";
    private static final String FCM_TOKEN_PATH = "/oauth2/token";
    private static final String FCM_ACCESS_TOKEN = "ya29.integration-token";
    private static final String SMS_ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String SMS_PATH = "/2010-04-01/Accounts/" + SMS_ACCOUNT + "/Messages.json";

    private static KafkaCluster kafka;
    private static Path dir;
    private static KeyPair apnsKey;
    private static WireMockServer apns;
    private static WireMockServer google;
    private static WireMockServer twilio;
    private static GreenMail mail;
    private static PlatformFixture platform;

    @BeforeAll
    static void startStandInsAndPlatform(KafkaCluster cluster) throws Exception {
        kafka = cluster;
        dir = Files.createTempDirectory("notify-providers-");
        final SelfSignedTls tls = SelfSignedTls.create(dir);
        apns = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort().http2TlsDisabled(false)
                .keystorePath(tls.keystore().toString()).keystorePassword(tls.password())
                .keyManagerPassword(tls.password()).keystoreType("PKCS12"));
        apns.start();
        // every token not stubbed otherwise is accepted
        apns.stubFor(post(urlPathMatching("/3/device/.*")).atPriority(10).willReturn(aResponse().withStatus(200)));
        apnsKey = TestCrypto.ecP256();
        final Path apnsKeyFile = TestCrypto.write(dir.resolve("apns.p8"), TestCrypto.pkcs8Pem(apnsKey.getPrivate()));

        google = new WireMockServer(wireMockConfig().dynamicPort());
        google.start();
        google.stubFor(post(urlPathEqualTo(FCM_TOKEN_PATH)).willReturn(okJson("{\"access_token\":\""
                + FCM_ACCESS_TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
        google.stubFor(post(urlPathEqualTo(FCM_SEND_PATH)).atPriority(10)
                .willReturn(okJson("{\"name\":\"projects/" + FCM_PROJECT + "/messages/0:1\"}")));
        final Path serviceAccount = TestCrypto.write(dir.resolve("service-account.json"), JSON.createObjectNode()
                .put("type", "service_account").put("project_id", FCM_PROJECT)
                .put("private_key_id", "it-key-1")
                .put("private_key", TestCrypto.pkcs8Pem(TestCrypto.rsa2048().getPrivate()))
                .put("client_email", "notifier@" + FCM_PROJECT + ".iam.gserviceaccount.com")
                .put("token_uri", google.baseUrl() + FCM_TOKEN_PATH).toString());

        twilio = new WireMockServer(wireMockConfig().dynamicPort());
        twilio.start();
        twilio.stubFor(post(urlPathEqualTo(SMS_PATH)).atPriority(10).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM0001\",\"status\":\"queued\"}")));

        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();

        final Map<String, String> env = new HashMap<>();
        env.put("EVENTLINE_APNS_URL", apns.baseUrl());
        env.put("EVENTLINE_APNS_TEAM_ID", APNS_TEAM_ID);
        env.put("EVENTLINE_APNS_KEY_ID", APNS_KEY_ID);
        env.put("EVENTLINE_APNS_PRIVATE_KEY_FILE", apnsKeyFile.toString());
        env.put("EVENTLINE_APNS_TOPIC", APNS_TOPIC);
        env.put("EVENTLINE_APNS_CA_FILE", tls.certificatePem().toString());
        env.put("EVENTLINE_FCM_URL", google.baseUrl());
        env.put("EVENTLINE_FCM_SERVICE_ACCOUNT_FILE", serviceAccount.toString());
        env.put("EVENTLINE_SMS_URL", twilio.baseUrl());
        env.put("EVENTLINE_SMS_ACCOUNT_SID", SMS_ACCOUNT);
        env.put("EVENTLINE_SMS_AUTH_TOKEN", "twilio-auth-token");
        env.put("EVENTLINE_SMS_FROM", "+14155550000");
        env.put("EVENTLINE_SMTP_HOST", mail.getSmtp().getBindTo());
        env.put("EVENTLINE_SMTP_PORT", Integer.toString(mail.getSmtp().getPort()));
        env.put("EVENTLINE_SMTP_STARTTLS", "false");
        env.put("EVENTLINE_SMTP_FROM", "Eventline <notify@mail.eventline.test>");
        env.put("EVENTLINE_NOTIFY_MAX_ATTEMPTS", Integer.toString(MAX_ATTEMPTS));
        env.put("EVENTLINE_NOTIFY_RETRY_DELAYS", RETRY_DELAYS);
        platform = PlatformFixture.start(kafka.bootstrapServers(), env);
    }

    @AfterAll
    static void stopPlatformAndStandIns() throws Exception {
        if (platform != null) {
            platform.close();
        }
        for (WireMockServer server : Arrays.asList(apns, google, twilio)) {
            if (server != null) {
                server.stop();
            }
        }
        if (mail != null) {
            mail.stop();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void shouldDeliverOneRequestToEveryProviderOnceAndStopEmailThroughItsUnsubscribeLink() throws Exception {
        // Given: a template with every channel, and a user with an iPhone, an Android phone, e-mail and a phone number
        final String template = template("{\"push\":{\"title\":\"Hi {{name}}\",\"body\":\"Order {{order}} shipped\"},"
                + "\"email\":{\"subject\":\"Order {{order}}\",\"body\":\"Hello {{name}}\",\"html\":\"<p>{{name}}</p>\"},"
                + "\"sms\":{\"text\":\"Order {{order}} shipped\"},"
                + "\"inapp\":{\"title\":\"Shipped\",\"body\":\"Order {{order}} is on its way\"}}");
        final String user = unique("ada");
        final String iosToken = apnsToken();
        final String androidToken = unique("fcm-token");
        final String email = user + "@example.test";
        final String phone = phone();
        registerDevice(user, "iphone", "ios", iosToken);
        registerDevice(user, "pixel", "android", androidToken);
        setContact(user, email, phone);

        // When
        final String eventId = unique("order");
        requestNotification(eventId, user, template, "{\"name\":\"Ada\",\"order\":\"42\"}");

        // Then: every delivery is sent at the first attempt (in-app needs no provider call, so it counts none)
        final JsonNode status = awaitStatus(eventId, answer -> deliveries(answer).size() == 5
                && deliveries(answer).stream().allMatch(d -> "sent".equals(d.get("status").asText())));
        assertThat(deliveries(status)).filteredOn(d -> !"inapp".equals(d.get("channel").asText()))
                .hasSize(4).allSatisfy(d -> assertThat(d.get("attempts").asInt()).as(d.toString()).isEqualTo(1));

        // And: APNs got one HTTP/2 call for the iPhone, with a provider token signed by the configured key
        final List<LoggedRequest> apnsCalls = apnsCalls(iosToken);
        assertThat(apnsCalls).hasSize(1);
        final LoggedRequest apnsCall = apnsCalls.get(0);
        assertThat(apnsCall.getProtocol()).isEqualTo("HTTP/2.0");
        assertThat(apnsCall.getScheme()).isEqualTo("https");
        assertThat(apnsCall.getHeader("apns-topic")).isEqualTo(APNS_TOPIC);
        final TestCrypto.Jwt providerToken = TestCrypto.verifyEs256(
                apnsCall.getHeader("authorization").substring("bearer ".length()), apnsKey.getPublic());
        assertThat(providerToken.claims().path("iss").asText()).isEqualTo(APNS_TEAM_ID);
        assertThat(JSON.readTree(apnsCall.getBodyAsString()).at("/aps/alert/title").asText()).isEqualTo("Hi Ada");

        // And: FCM got one send for the Android phone, with the token a service-account exchange returned before it
        final List<LoggedRequest> fcmCalls = fcmCalls(androidToken);
        assertThat(fcmCalls).hasSize(1);
        assertThat(fcmCalls.get(0).getHeader("Authorization")).isEqualTo("Bearer " + FCM_ACCESS_TOKEN);
        final List<LoggedRequest> exchanges = google.findAll(postRequestedFor(urlPathEqualTo(FCM_TOKEN_PATH)));
        assertThat(exchanges).isNotEmpty().anySatisfy(exchange -> {
            assertThat(exchange.getLoggedDate()).isBeforeOrEqualTo(fcmCalls.get(0).getLoggedDate());
            assertThat(exchange.formParameter("grant_type").firstValue())
                    .isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
        });

        // And: the SMS API got one message for the number
        final List<LoggedRequest> smsCalls = smsCalls(phone);
        assertThat(smsCalls).hasSize(1);
        assertThat(smsCalls.get(0).formParameter("Body").firstValue()).isEqualTo("Order 42 shipped");

        // And: one mail arrived, with a one-click unsubscribe link
        final List<MimeMessage> mails = mailsTo(email);
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).getSubject()).isEqualTo("Order 42");
        assertThat(mails.get(0).getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        final String header = mails.get(0).getHeader("List-Unsubscribe", null);
        assertThat(header).startsWith("<" + platform.baseUrl()).endsWith(">");

        // When: the mail client POSTs that link
        final URI link = URI.create(header.substring(1, header.length() - 1));
        final HttpResponse<String> unsubscribed = platform.post(link.getRawPath() + "?" + link.getRawQuery(), null,
                null);

        // Then: e-mail of that template is off for that user
        assertThat(unsubscribed.statusCode()).as(unsubscribed.body()).isEqualTo(200);
        final JsonNode settings = platform.awaitJson("/api/v1/me/notification-settings", platform.token(user),
                answer -> answer.at("/templates/" + template + "/email").isBoolean(), DEADLINE);
        assertThat(settings.at("/templates/" + template + "/email").asBoolean()).isFalse();
    }

    @Test
    void shouldRetryASmsThatFailedTransientlyAfterTheBackoffAndReportTwoAttempts() throws Exception {
        // Given: the SMS API answers 503 to the first call for this number, then 201
        final String template = template("{\"sms\":{\"text\":\"Code {{code}}\"}}");
        final String user = unique("bo");
        final String phone = phone();
        setContact(user, null, phone);
        final String scenario = "sms-503-" + user;
        twilio.stubFor(post(urlPathEqualTo(SMS_PATH)).withFormParam("To", equalTo(phone)).atPriority(1)
                .inScenario(scenario).whenScenarioStateIs(STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(503).withBody("busy")));
        twilio.stubFor(post(urlPathEqualTo(SMS_PATH)).withFormParam("To", equalTo(phone)).atPriority(1)
                .inScenario(scenario).whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(201).withBody("{\"sid\":\"SM0002\"}")));

        // When
        final String eventId = unique("code");
        requestNotification(eventId, user, template, "{\"code\":\"7391\"}");

        // Then
        final JsonNode sms = delivery(awaitStatus(eventId, answer -> hasDelivery(answer, "sms", "sent")), "sms");
        assertThat(sms.get("attempts").asInt()).isEqualTo(2);
        final List<LoggedRequest> calls = smsCalls(phone);
        assertThat(calls).hasSize(2);
        // equal jitter: the wait after a first failure is at least half of the first tier's delay (docs/notifications.md)
        assertThat(gap(calls.get(0), calls.get(1))).isGreaterThanOrEqualTo(FIRST_TIER.dividedBy(2));
    }

    @Test
    void shouldWaitAsLongAsApnsRetryAfterSaysBeforeTheSecondCall() throws Exception {
        // Given: APNs answers 429 with Retry-After: 2 to the first call for this token, then 200
        final String template = template("{\"push\":{\"title\":\"T\",\"body\":\"B {{n}}\"}}");
        final String user = unique("cy");
        final String token = apnsToken();
        registerDevice(user, "iphone", "ios", token);
        final String scenario = "apns-429-" + user;
        apns.stubFor(post(urlPathEqualTo("/3/device/" + token)).atPriority(1).inScenario(scenario)
                .whenScenarioStateIs(STARTED).willSetStateTo("ready")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withBody("{\"reason\":\"TooManyRequests\"}")));
        apns.stubFor(post(urlPathEqualTo("/3/device/" + token)).atPriority(1).inScenario(scenario)
                .whenScenarioStateIs("ready").willReturn(aResponse().withStatus(200)));

        // When
        final String eventId = unique("throttled");
        requestNotification(eventId, user, template, "{\"n\":\"1\"}");

        // Then
        final JsonNode push = delivery(awaitStatus(eventId, answer -> hasDelivery(answer, "push", "sent")), "push");
        assertThat(push.get("attempts").asInt()).isEqualTo(2);
        final List<LoggedRequest> calls = apnsCalls(token);
        assertThat(calls).hasSize(2);
        assertThat(gap(calls.get(0), calls.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldDeadLetterAPushAfterMaxAttemptsOfServerErrors() throws Exception {
        // Given: FCM answers 500 to every send for this token
        final String template = template("{\"push\":{\"title\":\"T\",\"body\":\"B {{n}}\"}}");
        final String user = unique("di");
        final String token = unique("fcm-broken");
        registerDevice(user, "pixel", "android", token);
        google.stubFor(post(urlPathEqualTo(FCM_SEND_PATH)).withRequestBody(matchingJsonPath("$.message.token",
                equalTo(token))).atPriority(1).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":{\"code\":500,\"status\":\"INTERNAL\"}}")));

        // When
        final String eventId = unique("doomed");
        requestNotification(eventId, user, template, "{\"n\":\"1\"}");

        // Then: three calls, the delivery failed with the last error, and a dead letter for the event
        final JsonNode push = delivery(awaitStatus(eventId, answer -> hasDelivery(answer, "push", "failed")), "push");
        assertThat(push.get("attempts").asInt()).isEqualTo(MAX_ATTEMPTS);
        assertThat(push.get("lastError").asText()).contains("500");
        assertThat(fcmCalls(token)).hasSize(MAX_ATTEMPTS);
        final NotificationDeadLettered letter = awaitDeadLetter(user, eventId);
        assertThat(letter.getReason()).contains("gave up after " + MAX_ATTEMPTS + " attempts");
        assertThat(letter.getDelivery().getAddress()).isEqualTo(token);
        assertThat(letter.getDelivery().getLastError()).contains("500");
    }

    @Test
    void shouldDisableADeviceApnsCallsUnregisteredAndSkipPushToItAfterwards() throws Exception {
        // Given: APNs answers 410 Unregistered for this user's only device
        final String template = template("{\"push\":{\"title\":\"T\",\"body\":\"B {{n}}\"}}");
        final String user = unique("ed");
        final String token = apnsToken();
        registerDevice(user, "old-iphone", "ios", token);
        apns.stubFor(post(urlPathEqualTo("/3/device/" + token)).atPriority(1).willReturn(aResponse().withStatus(410)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"reason\":\"Unregistered\",\"timestamp\":1700000000000}")));

        // When: a first notification is refused
        final String first = unique("first");
        requestNotification(first, user, template, "{\"n\":\"1\"}");

        // Then: the delivery fails for good and the device is disabled
        awaitStatus(first, answer -> hasDelivery(answer, "push", "failed"));
        final JsonNode devices = platform.awaitJson("/api/v1/me/devices", platform.token(user),
                answer -> answer.at("/items/0/disabled").asBoolean(false), DEADLINE);
        assertThat(devices.get("items")).hasSize(1);
        assertThat(devices.at("/items/0/deviceId").asText()).isEqualTo("old-iphone");

        // When: a second notification for the same user
        final String second = unique("second");
        requestNotification(second, user, template, "{\"n\":\"2\"}");

        // Then: push is skipped for want of a device, and APNs never heard of the token again
        final JsonNode push = delivery(awaitStatus(second, answer -> hasDelivery(answer, "push", "skipped")), "push");
        assertThat(push.get("reason").asText()).isEqualTo("no_device");
        assertThat(apnsCalls(token)).hasSize(1);
    }

    // ---- the platform

    private static String service() {
        return platform.token("billing", "service");
    }

    private static String template(String body) throws Exception {
        final String name = unique("tpl");
        final HttpResponse<String> put = platform.put("/api/v1/admin/templates/" + name,
                platform.token("ops", "admin"), body);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return name;
    }

    private static void registerDevice(String user, String deviceId, String devicePlatform, String token)
            throws Exception {
        final HttpResponse<String> put = platform.put("/api/v1/me/devices/" + deviceId, platform.token(user),
                JSON.createObjectNode().put("platform", devicePlatform).put("token", token).toString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    private static void setContact(String user, String email, String phone) throws Exception {
        final HttpResponse<String> put = platform.put("/api/v1/me/contact", platform.token(user),
                JSON.createObjectNode().put("email", email).put("phone", phone).toString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    private static void requestNotification(String eventId, String user, String template, String params)
            throws Exception {
        final HttpResponse<String> accepted = platform.post("/api/v1/notifications", service(), "{\"eventId\":\""
                + eventId + "\",\"userId\":\"" + user + "\",\"template\":\"" + template + "\",\"params\":" + params
                + "}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    }

    private static JsonNode awaitStatus(String eventId, Predicate<JsonNode> done)
            throws Exception {
        return platform.awaitJson("/api/v1/notifications/" + eventId, service(), done, DEADLINE);
    }

    private static List<JsonNode> deliveries(JsonNode status) {
        final List<JsonNode> all = new ArrayList<>();
        status.get("deliveries").forEach(all::add);
        return all;
    }

    private static boolean hasDelivery(JsonNode status, String channel, String state) {
        return deliveries(status).stream().anyMatch(d -> channel.equals(d.get("channel").asText())
                && state.equals(d.get("status").asText()));
    }

    private static JsonNode delivery(JsonNode status, String channel) {
        final List<JsonNode> matching = deliveries(status).stream()
                .filter(d -> channel.equals(d.get("channel").asText())).toList();
        assertThat(matching).as(status.toString()).hasSize(1);
        return matching.get(0);
    }

    /** The dead letter of {@code eventId}, read committed from the start of the topic (keyed by user). */
    private static NotificationDeadLettered awaitDeadLetter(String user, String eventId) {
        // other fixtures of this JVM wrote to the topic with their own registries: only this user's are read
        final AvroSerde<NotificationDeadLettered> serde = AvroSerde.forValue(
                new HttpSchemaRegistryClient(platform.registryUrl()), NotificationDeadLettered.class);
        final String topic = NotifyTopics.DEAD_LETTERS.name();
        final Map<String, Object> props = kafka.clientConfig();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (user.equals(record.key())) {
                        final NotificationDeadLettered letter = serde.deserialize(topic, record.value());
                        if (eventId.equals(letter.getEventId())) {
                            return letter;
                        }
                    }
                }
            }
        }
        throw new AssertionError("no dead letter for " + eventId + " on " + topic + " within " + DEADLINE);
    }

    // ---- the stand-ins

    private static List<LoggedRequest> apnsCalls(String token) {
        return chronological(apns.findAll(postRequestedFor(urlPathEqualTo("/3/device/" + token))));
    }

    private static List<LoggedRequest> fcmCalls(String token) {
        return chronological(google.findAll(postRequestedFor(urlPathEqualTo(FCM_SEND_PATH))
                .withRequestBody(matchingJsonPath("$.message.token", equalTo(token)))));
    }

    private static List<LoggedRequest> smsCalls(String phone) {
        return chronological(twilio.findAll(postRequestedFor(urlPathEqualTo(SMS_PATH))).stream()
                .filter(request -> phone.equals(request.formParameter("To").firstValue())).toList());
    }

    private static List<LoggedRequest> chronological(List<LoggedRequest> requests) {
        return requests.stream().sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static Duration gap(LoggedRequest first, LoggedRequest second) {
        return Duration.ofMillis(second.getLoggedDate().getTime() - first.getLoggedDate().getTime());
    }

    /** The mails GreenMail received for {@code address}, once at least one did. */
    private static List<MimeMessage> mailsTo(String address) throws Exception {
        final Supplier<List<MimeMessage>> received = () -> Arrays.stream(mail.getReceivedMessages())
                .filter(message -> isFor(message, address)).toList();
        return eventually(DEADLINE, Duration.ofMillis(100), received::get, mails -> !mails.isEmpty());
    }

    private static boolean isFor(MimeMessage message, String address) {
        try {
            final Address[] recipients = message.getAllRecipients();
            return recipients != null && Arrays.stream(recipients).anyMatch(to -> to.toString().contains(address));
        } catch (jakarta.mail.MessagingException e) {
            return false;
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String apnsToken() {
        final byte[] token = new byte[32];
        ThreadLocalRandom.current().nextBytes(token);
        return HexFormat.of().formatHex(token);
    }

    private static String phone() {
        return "+1415" + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
    }
}

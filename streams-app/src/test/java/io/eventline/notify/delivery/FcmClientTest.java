package io.eventline.notify.delivery;

import io.eventline.serde.Json;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FcmClientTest {

    private static final String PROJECT = "eventline-test";
    private static final String CLIENT_EMAIL = "notifier@eventline-test.iam.gserviceaccount.com";
    private static final String KEY_ID = "5f2a9c0d1e";
    private static final String DEVICE = "fcm-registration-token-1";
    private static final String SEND_PATH = "/v1/projects/" + PROJECT + "/messages:send";
    private static final String TOKEN_PATH = "/token";

    @TempDir
    static Path dir;

    private static KeyPair serviceAccountKey;
    private static WireMockServer google;

    private MutableClock clock;

    @BeforeAll
    static void startGoogle() throws Exception {
        serviceAccountKey = TestCrypto.rsa2048();
        google = new WireMockServer(wireMockConfig().dynamicPort());
        google.start();
    }

    @AfterAll
    static void stopGoogle() {
        google.stop();
    }

    @BeforeEach
    void reset() {
        google.resetAll();
        clock = MutableClock.startingNow();
    }

    @Test
    void shouldExchangeSignedAssertionOnceAndSendBothMessagesWithBearerToken() throws Exception {
        // Given
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(okJson("{\"access_token\":\"ya29.token-1\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
        google.stubFor(post(urlPathEqualTo(SEND_PATH))
                .willReturn(okJson("{\"name\":\"projects/" + PROJECT + "/messages/0:1700000000%abc\"}")));

        // When
        final ProviderResult first;
        final ProviderResult second;
        try (FcmClient client = client()) {
            first = client.send(message("d-1"));
            second = client.send(message("d-2"));
        }

        // Then: one token exchange, with a form and an assertion Google would accept
        assertThat(first).isEqualTo(new ProviderResult.Sent("projects/" + PROJECT + "/messages/0:1700000000%abc"));
        assertThat(second).isInstanceOf(ProviderResult.Sent.class);
        final List<LoggedRequest> exchanges = google.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
        assertThat(exchanges).hasSize(1);
        final LoggedRequest exchange = exchanges.get(0);
        assertThat(exchange.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(exchange.formParameter("grant_type").firstValue()).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
        final TestCrypto.Jwt assertion = TestCrypto.verifyRs256(exchange.formParameter("assertion").firstValue(),
                serviceAccountKey.getPublic());
        assertThat(assertion.header().path("alg").asText()).isEqualTo("RS256");
        assertThat(assertion.header().path("kid").asText()).isEqualTo(KEY_ID);
        assertThat(assertion.claims().path("iss").asText()).isEqualTo(CLIENT_EMAIL);
        assertThat(assertion.claims().path("aud").asText()).isEqualTo(google.baseUrl() + TOKEN_PATH);
        assertThat(assertion.claims().path("scope").asText()).isEqualTo("https://www.googleapis.com/auth/firebase.messaging");
        final long iat = assertion.claims().path("iat").asLong();
        assertThat(iat).isEqualTo(clock.instant().getEpochSecond());
        assertThat(assertion.claims().path("exp").asLong()).isEqualTo(iat + 3600);

        // and both sends carried the exchanged token and the v1 message shape
        final List<LoggedRequest> sends = google.findAll(postRequestedFor(urlPathEqualTo(SEND_PATH)));
        assertThat(sends).hasSize(2).allSatisfy(send ->
                assertThat(send.getHeader("Authorization")).isEqualTo("Bearer ya29.token-1"));
        assertThat(equalToJson("""
                {"message": {"token": "fcm-registration-token-1",
                             "notification": {"title": "New follower", "body": "Ada followed you"},
                             "android": {"collapse_key": "%1$s", "notification": {"tag": "%1$s"}},
                             "data": {"postId": "p-42"}}}""".formatted(java.util.UUID.nameUUIDFromBytes(
                "d-1".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .match(sends.get(0).getBodyAsString()).isExactMatch()).isTrue();
    }

    @Test
    void shouldRefetchAccessTokenOneMinuteBeforeItExpires() {
        // Given
        stubToken("ya29.token-1");
        google.stubFor(post(urlPathEqualTo(SEND_PATH)).willReturn(okJson("{\"name\":\"projects/p/messages/1\"}")));

        // When
        try (FcmClient client = client()) {
            client.send(message("a"));
            clock.advance(Duration.ofSeconds(3600 - 61));
            client.send(message("b"));
            clock.advance(Duration.ofSeconds(1));
            client.send(message("c"));
        }

        // Then
        google.verify(2, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
    }

    @Test
    void shouldReportUnregisteredTokenAsInvalidAddress() {
        stubToken("ya29.token-1");
        google.stubFor(post(urlPathEqualTo(SEND_PATH)).willReturn(aResponse().withStatus(404).withBody(fcmError(404,
                "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"))));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Permanent.class,
                permanent -> assertThat(permanent.addressInvalid()).isTrue());
    }

    @Test
    void shouldReportMalformedRegistrationTokenAsInvalidAddress() {
        stubToken("ya29.token-1");
        google.stubFor(post(urlPathEqualTo(SEND_PATH)).willReturn(aResponse().withStatus(400).withBody(fcmError(400,
                "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT"))));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Permanent.class,
                permanent -> assertThat(permanent.addressInvalid()).isTrue());
    }

    @Test
    void shouldNotBlameTheDeviceWhenGoogleRejectsAnotherField() {
        stubToken("ya29.token-1");
        google.stubFor(post(urlPathEqualTo(SEND_PATH)).willReturn(aResponse().withStatus(400).withBody("""
                {"error": {"code": 400, "message": "Invalid data payload key: from", "status": "INVALID_ARGUMENT",
                  "details": [
                    {"@type": "type.googleapis.com/google.rpc.BadRequest",
                     "fieldViolations": [{"field": "message.data", "description": "Invalid data payload key: from"}]},
                    {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "INVALID_ARGUMENT"}]}}
                """)));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Permanent.class,
                permanent -> assertThat(permanent.addressInvalid()).isFalse());
    }

    @Test
    void shouldDropTokenOnUnauthorizedAndFetchAFreshOneForTheNextSend() {
        // Given: the first token is revoked, the second works
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("tokens").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"access_token\":\"ya29.revoked\",\"expires_in\":3599}")).willSetStateTo("second"));
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"ya29.fresh\",\"expires_in\":3599}")));
        google.stubFor(post(urlPathEqualTo(SEND_PATH)).withHeader("Authorization", equalTo("Bearer ya29.revoked"))
                .willReturn(aResponse().withStatus(401).withBody(fcmError(401, "UNAUTHENTICATED",
                        "Request had invalid authentication credentials.", "THIRD_PARTY_AUTH_ERROR"))));
        google.stubFor(post(urlPathEqualTo(SEND_PATH)).withHeader("Authorization", equalTo("Bearer ya29.fresh"))
                .willReturn(okJson("{\"name\":\"projects/p/messages/2\"}")));

        // When
        final ProviderResult first;
        final ProviderResult second;
        try (FcmClient client = client()) {
            first = client.send(message("a"));
            second = client.send(message("a"));
        }

        // Then
        assertThat(first).isInstanceOf(ProviderResult.Transient.class);
        assertThat(second).isEqualTo(new ProviderResult.Sent("projects/p/messages/2"));
        google.verify(2, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
    }

    @Test
    void shouldHonourRetryAfterWhenQuotaIsExceeded() {
        stubToken("ya29.token-1");
        google.stubFor(post(urlPathEqualTo(SEND_PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")
                .withBody(fcmError(429, "RESOURCE_EXHAUSTED", "Quota exceeded", "QUOTA_EXCEEDED"))));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Transient.class,
                failure -> assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
    }

    @Test
    void shouldTreatServiceUnavailableAsTransient() {
        stubToken("ya29.token-1");
        google.stubFor(post(urlPathEqualTo(SEND_PATH)).willReturn(aResponse().withStatus(503)
                .withBody(fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"))));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Transient.class,
                failure -> assertThat(failure.retryAfter()).isNull());
    }

    @Test
    void shouldReportTokenEndpointOutageAsTransientWithoutSending() {
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "5")));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Transient.class,
                failure -> assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
        google.verify(0, postRequestedFor(urlPathEqualTo(SEND_PATH)));
    }

    @Test
    void shouldReportRejectedAssertionAsPermanent() {
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}")));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Permanent.class, permanent -> {
            assertThat(permanent.addressInvalid()).isFalse();
            assertThat(permanent.error()).contains("invalid_grant");
        });
    }

    private void stubToken(String token) {
        google.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(okJson("{\"access_token\":\"" + token + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")));
    }

    private ProviderResult sendOne() {
        try (FcmClient client = client()) {
            return client.send(message("delivery"));
        }
    }

    private FcmClient client() {
        return new FcmClient(new FcmSettings(URI.create(google.baseUrl()),
                FcmSettings.ServiceAccount.read(serviceAccountFile(), Json.mapper()),
                Duration.ofSeconds(2), Duration.ofSeconds(5)), Json.mapper(), clock);
    }

    /** A service-account key file in the shape the Google Cloud console downloads. */
    static Path serviceAccountFile(Path dir, KeyPair key, String tokenUri) throws Exception {
        final String json = new ObjectMapper().writeValueAsString(Map.of(
                "type", "service_account",
                "project_id", PROJECT,
                "private_key_id", KEY_ID,
                "private_key", TestCrypto.pkcs8Pem(key.getPrivate()),
                "client_email", CLIENT_EMAIL,
                "client_id", "1234567890",
                "token_uri", tokenUri));
        return TestCrypto.write(dir.resolve("service-account.json"), json);
    }

    private static Path serviceAccountFile() {
        try {
            return serviceAccountFile(dir, serviceAccountKey, google.baseUrl() + TOKEN_PATH);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fcmError(int code, String status, String text, String errorCode) {
        return """
                {"error": {"code": %d, "message": "%s", "status": "%s",
                  "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "%s"}]}}
                """.formatted(code, text, status, errorCode);
    }

    private static OutgoingMessage message(String deliveryId) {
        return new OutgoingMessage(deliveryId, DEVICE, "New follower", "Ada followed you", null, null, null, null,
                Map.of("postId", "p-42"));
    }
}

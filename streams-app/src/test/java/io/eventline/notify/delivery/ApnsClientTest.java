package io.eventline.notify.delivery;

import io.eventline.serde.Json;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApnsClientTest {

    private static final String TEAM_ID = "TEAM123456";
    private static final String KEY_ID = "KEY7890ABC";
    private static final String TOPIC = "io.eventline.app";
    private static final String DEVICE = "4f1c0e3a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e";
    private static final String DEVICE_PATH = "/3/device/" + DEVICE;

    @TempDir
    static Path dir;

    private static KeyPair signingKey;
    private static SelfSignedTls tls;
    private static WireMockServer apns;

    private MutableClock clock;

    @BeforeAll
    static void startApns() throws Exception {
        signingKey = TestCrypto.ecP256();
        tls = SelfSignedTls.create(dir);
        apns = new WireMockServer(wireMockConfig()
                .httpDisabled(true)
                .dynamicHttpsPort()
                .http2TlsDisabled(false)
                .keystorePath(tls.keystore().toString())
                .keystorePassword(tls.password())
                .keyManagerPassword(tls.password())
                .keystoreType("PKCS12"));
        apns.start();
    }

    @AfterAll
    static void stopApns() {
        apns.stop();
    }

    @BeforeEach
    void reset() {
        apns.resetAll();
        clock = MutableClock.startingNow();
    }

    @Test
    void shouldSendOverHttp2WithVerifiableProviderToken() throws Exception {
        // Given
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(200).withHeader("apns-id", "from-apple")));
        final OutgoingMessage message = message("delivery-1");

        // When
        final ProviderResult result;
        try (ApnsClient client = client(tls.certificatePem())) {
            result = client.send(message);
        }

        // Then
        assertThat(result).isEqualTo(new ProviderResult.Sent("from-apple"));
        final LoggedRequest request = onlyRequest();
        assertThat(request.getProtocol()).isEqualTo("HTTP/2.0");
        assertThat(request.getScheme()).isEqualTo("https");
        assertThat(request.getHeader("apns-topic")).isEqualTo(TOPIC);
        assertThat(request.getHeader("apns-push-type")).isEqualTo("alert");
        assertThat(request.getHeader("apns-priority")).isEqualTo("10");
        assertThat(request.getHeader("apns-id"))
                .isEqualTo(UUID.nameUUIDFromBytes("delivery-1".getBytes(StandardCharsets.UTF_8)).toString());
        assertThat(request.getHeader("apns-collapse-id")).isEqualTo(request.getHeader("apns-id"));
        assertThat(request.containsHeader("apns-expiration")).isFalse();
        assertThat(equalToJson("""
                {"aps": {"alert": {"title": "New follower", "body": "Ada followed you"}, "sound": "default"},
                 "postId": "p-42"}""").match(request.getBodyAsString()).isExactMatch()).isTrue();

        final String authorization = request.getHeader("authorization");
        assertThat(authorization).startsWith("bearer ");
        final TestCrypto.Jwt jwt = TestCrypto.verifyEs256(authorization.substring("bearer ".length()), signingKey.getPublic());
        assertThat(jwt.header().path("alg").asText()).isEqualTo("ES256");
        assertThat(jwt.header().path("kid").asText()).isEqualTo(KEY_ID);
        assertThat(jwt.claims().path("iss").asText()).isEqualTo(TEAM_ID);
        assertThat(jwt.claims().path("iat").asLong()).isEqualTo(clock.instant().getEpochSecond());
    }

    @Test
    void shouldReuseProviderTokenAcrossSendsAndRenewItAfterFiftyMinutes() throws Exception {
        // Given
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(200)));

        // When
        try (ApnsClient client = client(tls.certificatePem())) {
            client.send(message("a"));
            clock.advance(Duration.ofMinutes(49));
            client.send(message("b"));
            clock.advance(Duration.ofMinutes(1));
            client.send(message("c"));
        }

        // Then
        final List<String> tokens = apns.findAll(postRequestedFor(urlPathEqualTo(DEVICE_PATH))).stream()
                .map(request -> request.getHeader("authorization")).toList();
        assertThat(tokens).hasSize(3);
        assertThat(tokens.get(1)).isEqualTo(tokens.get(0));
        assertThat(tokens.get(2)).isNotEqualTo(tokens.get(0));
        assertThat(TestCrypto.verifyEs256(tokens.get(2).substring("bearer ".length()), signingKey.getPublic())
                .claims().path("iat").asLong()).isEqualTo(clock.instant().getEpochSecond());
    }

    @Test
    void shouldUseTheSameApnsIdWhenTheSameDeliveryIsRetried() throws Exception {
        // Given
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(200)));

        // When
        final ProviderResult first;
        final ProviderResult second;
        try (ApnsClient client = client(tls.certificatePem())) {
            first = client.send(message("retried"));
            second = client.send(message("retried"));
        }

        // Then: without an apns-id in the answer, the client reports the one it sent
        assertThat(first).isEqualTo(second);
        assertThat(apns.findAll(postRequestedFor(urlPathEqualTo(DEVICE_PATH))))
                .extracting(request -> request.getHeader("apns-id")).containsOnly(((ProviderResult.Sent) first).providerMessageId());
    }

    @Test
    void shouldSendExpirationWhenTimeToLiveIsSet() throws Exception {
        // Given
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(200)));
        final ApnsSettings settings = settings(tls.certificatePem()).withTimeToLive(Duration.ofHours(1));

        // When
        try (ApnsClient client = new ApnsClient(settings, Json.mapper(), clock)) {
            client.send(message("ttl"));
        }

        // Then
        assertThat(onlyRequest().getHeader("apns-expiration"))
                .isEqualTo(Long.toString(clock.instant().getEpochSecond() + 3600));
    }

    @Test
    void shouldReportUnregisteredDeviceAsInvalidAddress() {
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(410)
                .withBody("{\"reason\":\"Unregistered\",\"timestamp\":1700000000000}")));

        final ProviderResult result = sendOne();

        assertThat(result).isInstanceOfSatisfying(ProviderResult.Permanent.class, permanent -> {
            assertThat(permanent.addressInvalid()).isTrue();
            assertThat(permanent.error()).contains("410").contains("Unregistered");
        });
    }

    @Test
    void shouldReportBadDeviceTokenAsInvalidAddress() {
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(400).withBody("{\"reason\":\"BadDeviceToken\"}")));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Permanent.class,
                permanent -> assertThat(permanent.addressInvalid()).isTrue());
    }

    @Test
    void shouldReportOtherBadRequestsAsPermanentWithoutBlamingTheDevice() {
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(400).withBody("{\"reason\":\"PayloadTooLarge\"}")));

        assertThat(sendOne()).isEqualTo(new ProviderResult.Permanent("APNs 400 PayloadTooLarge", false));
    }

    @Test
    void shouldHonourRetryAfterOnTooManyRequests() {
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "7").withBody("{\"reason\":\"TooManyRequests\"}")));

        assertThat(sendOne()).isInstanceOfSatisfying(ProviderResult.Transient.class,
                failure -> assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void shouldTreatServiceUnavailableAsTransient() {
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(503)
                .withBody("{\"reason\":\"ServiceUnavailable\"}")));

        assertThat(sendOne()).isEqualTo(new ProviderResult.Transient("APNs 503 ServiceUnavailable", null));
    }

    @Test
    void shouldRenewProviderTokenAfterExpiredProviderToken() throws Exception {
        // Given
        apns.stubFor(post(urlPathEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(403)
                .withBody("{\"reason\":\"ExpiredProviderToken\"}")));

        // When
        final ProviderResult result;
        try (ApnsClient client = client(tls.certificatePem())) {
            result = client.send(message("a"));
            clock.advance(Duration.ofSeconds(1));
            client.send(message("a"));
        }

        // Then
        assertThat(result).isInstanceOf(ProviderResult.Transient.class);
        final List<String> tokens = apns.findAll(postRequestedFor(urlPathEqualTo(DEVICE_PATH))).stream()
                .map(request -> request.getHeader("authorization")).toList();
        assertThat(tokens).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void shouldRefuseServerWhoseCertificateIsNotTrusted() throws Exception {
        // Given: no CA file, so the self-signed test server is not trusted
        final ProviderResult result;

        // When
        try (ApnsClient client = client(null)) {
            result = client.send(message("untrusted"));
        }

        // Then
        assertThat(result).isInstanceOfSatisfying(ProviderResult.Transient.class,
                failure -> assertThat(failure.error()).contains("TLS"));
        assertThat(apns.findAll(postRequestedFor(urlPathEqualTo(DEVICE_PATH)))).isEmpty();
    }

    @Test
    void shouldReportRefusedConnectionAsTransient() throws Exception {
        final ApnsSettings settings = new ApnsSettings(URI.create("https://localhost:" + FreePort.closed()), TEAM_ID, KEY_ID,
                keyFile(), TOPIC, tls.certificatePem(), null, Duration.ofSeconds(2), Duration.ofSeconds(2));

        final ProviderResult result;
        try (ApnsClient client = new ApnsClient(settings, Json.mapper(), clock)) {
            result = client.send(message("refused"));
        }

        assertThat(result).isInstanceOf(ProviderResult.Transient.class);
    }

    private ProviderResult sendOne() {
        try (ApnsClient client = client(tls.certificatePem())) {
            return client.send(message("delivery"));
        }
    }

    private ApnsClient client(Path caFile) {
        return new ApnsClient(settings(caFile), Json.mapper(), clock);
    }

    private static ApnsSettings settings(Path caFile) {
        return new ApnsSettings(URI.create("https://localhost:" + apns.httpsPort()), TEAM_ID, KEY_ID, keyFile(), TOPIC,
                caFile, null, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private static Path keyFile() {
        return TestCrypto.write(dir.resolve("AuthKey_" + KEY_ID + ".p8"), TestCrypto.pkcs8Pem(signingKey.getPrivate()));
    }

    private static OutgoingMessage message(String deliveryId) {
        return new OutgoingMessage(deliveryId, DEVICE, "New follower", "Ada followed you", null, null, null, null,
                Map.of("postId", "p-42"));
    }

    private static LoggedRequest onlyRequest() {
        final List<LoggedRequest> requests = apns.findAll(postRequestedFor(urlPathEqualTo(DEVICE_PATH)));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }
}

package io.eventline.notify.delivery;

import io.eventline.serde.Json;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.BasicCredentials;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TwilioSmsClientTest {

    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "s3cr3t-auth-token";
    private static final String FROM = "+15005550006";
    private static final String TO = "+14155550123";
    private static final String MESSAGES_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";

    private static WireMockServer twilio;

    private MutableClock clock;

    @BeforeAll
    static void startTwilio() {
        twilio = new WireMockServer(wireMockConfig().dynamicPort());
        twilio.start();
    }

    @AfterAll
    static void stopTwilio() {
        twilio.stop();
    }

    @BeforeEach
    void reset() {
        twilio.resetAll();
        clock = MutableClock.startingNow();
    }

    @Test
    void shouldPostFormWithBasicAuthAndReturnMessageSid() {
        // Given
        twilio.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"SM1f0e2d3c4b5a69788796a5b4c3d2e1f0\",\"status\":\"queued\",\"to\":\"" + TO + "\"}")));

        // When
        final ProviderResult result = sendOne(new OutgoingMessage("d-1", TO, null, "Your code is 123 456 & more", null,
                null, null, null, Map.of()));

        // Then
        assertThat(result).isEqualTo(new ProviderResult.Sent("SM1f0e2d3c4b5a69788796a5b4c3d2e1f0"));
        twilio.verify(1, postRequestedFor(urlPathEqualTo(MESSAGES_PATH))
                .withBasicAuth(new BasicCredentials(ACCOUNT_SID, AUTH_TOKEN))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withFormParam("To", equalTo(TO))
                .withFormParam("From", equalTo(FROM))
                .withFormParam("Body", equalTo("Your code is 123 456 & more")));
    }

    @Test
    void shouldReportInvalidNumberAsInvalidAddress() {
        twilio.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(400).withBody("""
                {"code": 21211, "message": "The 'To' number +1415555 is not a valid phone number.",
                 "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}""")));

        assertThat(sendOne(message())).isInstanceOfSatisfying(ProviderResult.Permanent.class, permanent -> {
            assertThat(permanent.addressInvalid()).isTrue();
            assertThat(permanent.error()).contains("21211");
        });
    }

    @Test
    void shouldReportLandlineAsInvalidAddress() {
        twilio.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(400).withBody(
                "{\"code\": 21614, \"message\": \"'To' number is not a valid mobile number\", \"status\": 400}")));

        assertThat(sendOne(message())).isInstanceOfSatisfying(ProviderResult.Permanent.class,
                permanent -> assertThat(permanent.addressInvalid()).isTrue());
    }

    @Test
    void shouldReportBadCredentialsAsPermanentWithoutBlamingTheNumber() {
        twilio.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(401).withBody(
                "{\"code\": 20003, \"message\": \"Authenticate\", \"status\": 401}")));

        assertThat(sendOne(message())).isInstanceOfSatisfying(ProviderResult.Permanent.class,
                permanent -> assertThat(permanent.addressInvalid()).isFalse());
    }

    @Test
    void shouldHonourRetryAfterSecondsOnServiceUnavailable() {
        twilio.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "12")));

        assertThat(sendOne(message())).isInstanceOfSatisfying(ProviderResult.Transient.class,
                failure -> assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(12)));
    }

    @Test
    void shouldHonourRetryAfterHttpDateOnTooManyRequests() {
        final Instant retryAt = clock.instant().plusSeconds(90);
        twilio.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(retryAt.atOffset(ZoneOffset.UTC)))
                .withBody("{\"code\": 20429, \"message\": \"Too Many Requests\", \"status\": 429}")));

        assertThat(sendOne(message())).isInstanceOfSatisfying(ProviderResult.Transient.class,
                failure -> assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(90)));
    }

    @Test
    void shouldReportRefusedConnectionAsTransient() throws Exception {
        final TwilioSmsSettings settings = new TwilioSmsSettings(URI.create("http://localhost:" + FreePort.closed()),
                ACCOUNT_SID, AUTH_TOKEN, FROM, Duration.ofSeconds(2), Duration.ofSeconds(2));

        final ProviderResult result;
        try (TwilioSmsClient client = new TwilioSmsClient(settings, Json.mapper(), clock)) {
            result = client.send(message());
        }

        assertThat(result).isInstanceOfSatisfying(ProviderResult.Transient.class,
                failure -> assertThat(failure.error()).contains("cannot connect"));
    }

    private ProviderResult sendOne(OutgoingMessage message) {
        final TwilioSmsSettings settings = new TwilioSmsSettings(URI.create(twilio.baseUrl()), ACCOUNT_SID, AUTH_TOKEN, FROM,
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        try (TwilioSmsClient client = new TwilioSmsClient(settings, Json.mapper(), clock)) {
            return client.send(message);
        }
    }

    private static OutgoingMessage message() {
        return new OutgoingMessage("d", TO, null, "Hello", null, null, null, null, null);
    }
}

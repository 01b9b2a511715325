package io.eventline.notify.delivery;

import io.eventline.serde.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderClientsTest {

    private static final OutgoingMessage ANY = new OutgoingMessage("d", "a", "t", "b", "s", null, "x", null, null);

    private static KeyPair apnsKey;
    private static KeyPair serviceAccountKey;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateKeys() throws Exception {
        apnsKey = TestCrypto.ecP256();
        serviceAccountKey = TestCrypto.rsa2048();
    }

    @Test
    void shouldAnswerNotConfiguredNamingTheVariablesWhenNothingIsSet() {
        try (ProviderClients clients = ProviderClients.from(name -> null, Json.mapper())) {
            assertThat(clients.apns().send(ANY)).isEqualTo(new ProviderResult.NotConfigured(
                    "APNs not configured: set EVENTLINE_APNS_TEAM_ID, EVENTLINE_APNS_KEY_ID, "
                            + "EVENTLINE_APNS_PRIVATE_KEY_FILE and EVENTLINE_APNS_TOPIC"));
            assertThat(clients.fcm().send(ANY)).isEqualTo(
                    new ProviderResult.NotConfigured("FCM not configured: set EVENTLINE_FCM_SERVICE_ACCOUNT_FILE"));
            assertThat(clients.sms().send(ANY)).isEqualTo(new ProviderResult.NotConfigured(
                    "SMS not configured: set EVENTLINE_SMS_ACCOUNT_SID, EVENTLINE_SMS_AUTH_TOKEN and EVENTLINE_SMS_FROM"));
            assertThat(clients.email().send(ANY)).isEqualTo(
                    new ProviderResult.NotConfigured("SMTP not configured: set EVENTLINE_SMTP_HOST and EVENTLINE_SMTP_FROM"));
        }
    }

    @Test
    void shouldBuildRealClientsWhenTheVariablesAreSet() throws Exception {
        try (ProviderClients clients = ProviderClients.from(fullEnvironment()::get, Json.mapper())) {
            assertThat(clients.apns()).isInstanceOf(ApnsClient.class);
            assertThat(clients.fcm()).isInstanceOf(FcmClient.class);
            assertThat(clients.sms()).isInstanceOf(TwilioSmsClient.class);
            assertThat(clients.email()).isInstanceOf(SmtpMailClient.class);
        }
    }

    @Test
    void shouldApplyDefaultsForUnsetOptionalVariables() throws Exception {
        final Map<String, String> env = fullEnvironment();

        final ApnsSettings apns = ApnsSettings.from(env::get).orElseThrow();
        final FcmSettings fcm = FcmSettings.from(env::get, Json.mapper()).orElseThrow();
        final TwilioSmsSettings sms = TwilioSmsSettings.from(env::get).orElseThrow();
        final SmtpSettings smtp = SmtpSettings.from(env::get).orElseThrow();

        assertThat(apns.endpoint()).isEqualTo(URI.create("https://api.push.apple.com"));
        assertThat(apns.caFile()).isNull();
        assertThat(apns.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(apns.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(fcm.endpoint()).isEqualTo(URI.create("https://fcm.googleapis.com"));
        assertThat(fcm.serviceAccount().projectId()).isEqualTo("eventline-test");
        assertThat(fcm.serviceAccount().tokenUri()).isEqualTo(URI.create("https://oauth2.googleapis.com/token"));
        assertThat(sms.endpoint()).isEqualTo(URI.create("https://api.twilio.com"));
        assertThat(smtp.port()).isEqualTo(587);
        assertThat(smtp.startTls()).isTrue();
        assertThat(smtp.username()).isNull();
    }

    @Test
    void shouldReadOverridesForOptionalVariables() throws Exception {
        final Map<String, String> env = fullEnvironment();
        env.put("EVENTLINE_APNS_URL", "https://api.sandbox.push.apple.com/");
        env.put("EVENTLINE_APNS_CA_FILE", "/etc/eventline/ca.pem");
        env.put("EVENTLINE_FCM_URL", "http://localhost:9099");
        env.put("EVENTLINE_SMS_URL", "http://localhost:4010");
        env.put("EVENTLINE_SMTP_PORT", "2525");
        env.put("EVENTLINE_SMTP_STARTTLS", "false");
        env.put("EVENTLINE_SMTP_USERNAME", "mailer");
        env.put("EVENTLINE_SMTP_PASSWORD", "hunter2");

        assertThat(ApnsSettings.from(env::get).orElseThrow().endpoint()).isEqualTo(URI.create("https://api.sandbox.push.apple.com"));
        assertThat(ApnsSettings.from(env::get).orElseThrow().caFile()).isEqualTo(Path.of("/etc/eventline/ca.pem"));
        assertThat(FcmSettings.from(env::get, Json.mapper()).orElseThrow().endpoint()).isEqualTo(URI.create("http://localhost:9099"));
        assertThat(TwilioSmsSettings.from(env::get).orElseThrow().endpoint()).isEqualTo(URI.create("http://localhost:4010"));
        final SmtpSettings smtp = SmtpSettings.from(env::get).orElseThrow();
        assertThat(smtp.port()).isEqualTo(2525);
        assertThat(smtp.startTls()).isFalse();
        assertThat(smtp.username()).isEqualTo("mailer");
        assertThat(smtp.password()).isEqualTo("hunter2");
        assertThat(smtp.toString()).doesNotContain("hunter2");
    }

    @Test
    void shouldStayUnconfiguredWhenARequiredVariableIsMissingOrBlank() throws Exception {
        final Map<String, String> env = fullEnvironment();
        env.remove("EVENTLINE_APNS_TOPIC");
        env.put("EVENTLINE_SMS_FROM", "  ");
        env.remove("EVENTLINE_SMTP_FROM");

        try (ProviderClients clients = ProviderClients.from(env::get, Json.mapper())) {
            assertThat(clients.apns()).isInstanceOf(NotConfiguredClient.class);
            assertThat(clients.sms()).isInstanceOf(NotConfiguredClient.class);
            assertThat(clients.email()).isInstanceOf(NotConfiguredClient.class);
            assertThat(clients.fcm()).isInstanceOf(FcmClient.class);
        }
    }

    @Test
    void shouldFailAtStartupWhenAConfiguredKeyFileIsUnreadable() throws Exception {
        final Map<String, String> env = fullEnvironment();
        env.put("EVENTLINE_APNS_PRIVATE_KEY_FILE", dir.resolve("missing.p8").toString());

        assertThatThrownBy(() -> ProviderClients.from(env::get, Json.mapper()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.p8");
    }

    @Test
    void shouldFailAtStartupWhenTheServiceAccountFileLacksAField() throws Exception {
        final Map<String, String> env = fullEnvironment();
        env.put("EVENTLINE_FCM_SERVICE_ACCOUNT_FILE",
                TestCrypto.write(dir.resolve("partial.json"), "{\"project_id\":\"p\"}").toString());

        assertThatThrownBy(() -> FcmSettings.from(env::get, Json.mapper()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client_email");
    }

    @Test
    void shouldKeepSecretsOutOfSettingsToString() throws Exception {
        final Map<String, String> env = fullEnvironment();

        assertThat(TwilioSmsSettings.from(env::get).orElseThrow().toString()).doesNotContain("auth-token-value");
        assertThat(FcmSettings.from(env::get, Json.mapper()).orElseThrow().toString()).doesNotContain("PRIVATE KEY");
    }

    private Map<String, String> fullEnvironment() throws Exception {
        final Path p8 = TestCrypto.write(dir.resolve("AuthKey.p8"), TestCrypto.pkcs8Pem(apnsKey.getPrivate()));
        final Path serviceAccount = FcmClientTest.serviceAccountFile(dir, serviceAccountKey, "https://oauth2.googleapis.com/token");
        final Map<String, String> env = new HashMap<>();
        env.put("EVENTLINE_APNS_TEAM_ID", "TEAM123456");
        env.put("EVENTLINE_APNS_KEY_ID", "KEY7890ABC");
        env.put("EVENTLINE_APNS_PRIVATE_KEY_FILE", p8.toString());
        env.put("EVENTLINE_APNS_TOPIC", "io.eventline.app");
        env.put("EVENTLINE_FCM_SERVICE_ACCOUNT_FILE", serviceAccount.toString());
        env.put("EVENTLINE_SMS_ACCOUNT_SID", "AC0123");
        env.put("EVENTLINE_SMS_AUTH_TOKEN", "auth-token-value");
        env.put("EVENTLINE_SMS_FROM", "+15005550006");
        env.put("EVENTLINE_SMTP_HOST", "smtp.eventline.test");
        env.put("EVENTLINE_SMTP_FROM", "notify@eventline.test");
        return env;
    }
}

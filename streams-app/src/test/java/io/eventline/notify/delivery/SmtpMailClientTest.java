package io.eventline.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmtpMailClientTest {

    private static final String FROM = "Eventline <notify@mail.eventline.test>";
    private static final String TO = "ada@example.test";

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Test
    void shouldDeliverTextAndHtmlAlternativesWithOneClickUnsubscribeAndDeterministicMessageId() throws Exception {
        // Given
        final OutgoingMessage message = new OutgoingMessage("delivery-7", TO, null, null, "Ada, you have 3 new followers",
                "<p>You have <b>3</b> new followers</p>", "You have 3 new followers",
                "https://eventline.test/unsubscribe?t=abc", Map.of());

        // When
        final ProviderResult result;
        try (SmtpMailClient client = new SmtpMailClient(settings(greenMail.getSmtp().getPort()))) {
            result = client.send(message);
        }

        // Then
        final String expectedId = "<" + sha256Hex("delivery-7") + "@mail.eventline.test>";
        assertThat(result).isEqualTo(new ProviderResult.Sent(expectedId));
        final MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(1);
        final MimeMessage mail = received[0];
        assertThat(mail.getSubject()).isEqualTo("Ada, you have 3 new followers");
        assertThat(mail.getMessageID()).isEqualTo(expectedId);
        assertThat(mail.getHeader("List-Unsubscribe", null)).isEqualTo("<https://eventline.test/unsubscribe?t=abc>");
        assertThat(mail.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        final MimeMultipart alternatives = (MimeMultipart) mail.getContent();
        assertThat(alternatives.getCount()).isEqualTo(2);
        final BodyPart text = alternatives.getBodyPart(0);
        final BodyPart html = alternatives.getBodyPart(1);
        assertThat(text.isMimeType("text/plain")).isTrue();
        assertThat(((String) text.getContent()).strip()).isEqualTo("You have 3 new followers");
        assertThat(html.isMimeType("text/html")).isTrue();
        assertThat(((String) html.getContent()).strip()).isEqualTo("<p>You have <b>3</b> new followers</p>");
    }

    @Test
    void shouldSendPlainTextWithoutUnsubscribeHeadersWhenNeitherHtmlNorUrlIsGiven() throws Exception {
        final OutgoingMessage message = new OutgoingMessage("delivery-8", TO, null, null, "Password changed",
                null, "Your password was changed. Grüße", null, null);

        final ProviderResult result;
        try (SmtpMailClient client = new SmtpMailClient(settings(greenMail.getSmtp().getPort()))) {
            result = client.send(message);
        }

        assertThat(result).isInstanceOf(ProviderResult.Sent.class);
        final MimeMessage mail = greenMail.getReceivedMessages()[0];
        assertThat(mail.isMimeType("text/plain")).isTrue();
        assertThat(((String) mail.getContent()).strip()).isEqualTo("Your password was changed. Grüße");
        assertThat(mail.getHeader("List-Unsubscribe")).isNull();
        assertThat(mail.getHeader("List-Unsubscribe-Post")).isNull();
    }

    @Test
    void shouldGiveARetriedDeliveryTheSameMessageId() throws Exception {
        final OutgoingMessage message = new OutgoingMessage("delivery-9", TO, null, null, "Hi", null, "Hello", null, null);

        try (SmtpMailClient client = new SmtpMailClient(settings(greenMail.getSmtp().getPort()))) {
            client.send(message);
            client.send(message);
        }

        final MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(2);
        assertThat(received[1].getMessageID()).isEqualTo(received[0].getMessageID());
    }

    @Test
    void shouldReportRefusedConnectionAsTransient() throws Exception {
        final ProviderResult result;
        try (SmtpMailClient client = new SmtpMailClient(settings(FreePort.closed()))) {
            result = client.send(new OutgoingMessage("d", TO, null, null, "Hi", null, "Hello", null, null));
        }

        assertThat(result).isInstanceOf(ProviderResult.Transient.class);
    }

    @Test
    void shouldReportUnknownMailboxAsInvalidAddress() throws Exception {
        assertThat(sendThroughServerAnsweringRcpt("550 5.1.1 <ada@example.test>: Recipient address rejected: User unknown"))
                .isInstanceOfSatisfying(ProviderResult.Permanent.class, permanent -> {
                    assertThat(permanent.addressInvalid()).isTrue();
                    assertThat(permanent.error()).contains("5.1.1");
                });
    }

    @Test
    void shouldNotBlameTheMailboxForAPolicyRejection() throws Exception {
        assertThat(sendThroughServerAnsweringRcpt("550 5.7.1 Service unavailable; client host blocked"))
                .isInstanceOfSatisfying(ProviderResult.Permanent.class,
                        permanent -> assertThat(permanent.addressInvalid()).isFalse());
    }

    @Test
    void shouldTreatGreylistingAsTransient() throws Exception {
        assertThat(sendThroughServerAnsweringRcpt("451 4.7.1 Greylisted, try again later"))
                .isInstanceOf(ProviderResult.Transient.class);
    }

    @Test
    void shouldRejectMalformedRecipientWithoutConnecting() {
        final ProviderResult result;
        try (SmtpMailClient client = new SmtpMailClient(settings(greenMail.getSmtp().getPort()))) {
            result = client.send(new OutgoingMessage("d", "not an address", null, null, "Hi", null, "Hello", null, null));
        }

        assertThat(result).isInstanceOfSatisfying(ProviderResult.Permanent.class,
                permanent -> assertThat(permanent.addressInvalid()).isTrue());
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    private static ProviderResult sendThroughServerAnsweringRcpt(String reply) throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(reply);
             SmtpMailClient client = new SmtpMailClient(settings(server.port()))) {
            return client.send(new OutgoingMessage("d", TO, null, null, "Hi", null, "Hello", null, null));
        }
    }

    private static SmtpSettings settings(int port) {
        return new SmtpSettings("localhost", port, null, null, false, FROM, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private static String sha256Hex(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}

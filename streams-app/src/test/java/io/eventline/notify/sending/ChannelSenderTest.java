package io.eventline.notify.sending;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.notify.DeliveryProvider;
import io.eventline.notify.NotificationChannel;
import io.eventline.notify.NotificationDelivery;
import io.eventline.notify.delivery.OutgoingMessage;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelSenderTest {

    @Test
    void shouldMapAnEmailDeliveryToAMessageWithTextHtmlAndUnsubscribeLink() {
        // Given
        final NotificationDelivery email = NotificationDelivery.newBuilder()
                .setDeliveryId("e1:u1:EMAIL")
                .setEventId("e1")
                .setUserId("u1")
                .setTemplate("digest")
                .setTemplateVersion(3L)
                .setChannel(NotificationChannel.EMAIL)
                .setProvider(DeliveryProvider.SMTP)
                .setAddress("ada@example.com")
                .setSubject("Your week")
                .setBody("Plain text")
                .setHtml("<p>Rich</p>")
                .setUnsubscribeUrl("https://example.com/u/1")
                .setData(Map.of("campaign", "weekly"))
                .setRequestedAt(Instant.EPOCH)
                .build();

        // When
        final OutgoingMessage message = ChannelSender.toMessage(email);

        // Then
        assertThat(message).isEqualTo(new OutgoingMessage("e1:u1:EMAIL", "ada@example.com", null, "Plain text",
                "Your week", "<p>Rich</p>", "Plain text", "https://example.com/u/1", Map.of("campaign", "weekly")));
    }

    @Test
    void shouldNameGroupsAfterThePrefixAndProvider() {
        assertThat(ChannelSender.groupId("eventline", DeliveryProvider.APNS)).isEqualTo("eventline-sender-apns");
        assertThat(RetryRelay.groupId("eventline")).isEqualTo("eventline-retry-relay");
    }
}

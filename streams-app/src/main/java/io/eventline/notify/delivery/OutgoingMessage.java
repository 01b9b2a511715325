package io.eventline.notify.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message to one address, already rendered. Push clients use {@code title} and {@code body}, SMS uses
 * {@code body}, mail uses {@code subject}, {@code text}, {@code html} and {@code unsubscribeUrl}; fields a
 * channel does not use may be null.
 *
 * <p>{@code deliveryId} is stable across retries: it is the idempotency key wherever the provider accepts one.
 */
public record OutgoingMessage(String deliveryId, String address, String title, String body, String subject,
                              String html, String text, String unsubscribeUrl, Map<String, String> data) {

    public OutgoingMessage {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(address, "address");
        // insertion order kept so payloads are byte-for-byte repeatable across retries
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
}

package io.eventline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusKeeperTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static DeliveryStatusChanged push(String deviceId, DeliveryState state, int attempts, int second) {
        return change("bob", NotificationChannel.PUSH, deviceId, state, attempts, second);
    }

    private static DeliveryStatusChanged change(String userId, NotificationChannel channel, String deviceId,
                                                DeliveryState state, int attempts, int second) {
        return DeliveryStatusChanged.newBuilder().setEventId("e-1").setUserId(userId).setChannel(channel)
                .setDeviceId(deviceId).setState(state).setAttempts(attempts).setAt(T0.plusSeconds(second)).build();
    }

    private static List<DeliveryStatusChanged> fold(DeliveryStatusChanged... changes) {
        List<DeliveryStatusChanged> deliveries = List.of();
        for (DeliveryStatusChanged change : changes) {
            deliveries = StatusKeeper.merged(deliveries, change);
        }
        return deliveries;
    }

    @Test
    void shouldNotRegressASentDeliveryOnALateQueued() {
        final List<DeliveryStatusChanged> folded = fold(push("iphone", DeliveryState.SENT, 1, 1),
                push("iphone", DeliveryState.QUEUED, 0, 0));

        assertThat(folded).singleElement().satisfies(delivery -> {
            assertThat(delivery.getState()).isEqualTo(DeliveryState.SENT);
            assertThat(delivery.getAttempts()).isEqualTo(1);
        });
    }

    @Test
    void shouldNotRegressAFinalStateOnALateStepOfTheSameAttempt() {
        final List<DeliveryStatusChanged> folded = fold(push("iphone", DeliveryState.FAILED, 3, 5),
                push("iphone", DeliveryState.RETRYING, 3, 4));

        assertThat(folded).extracting(DeliveryStatusChanged::getState).containsExactly(DeliveryState.FAILED);
    }

    @Test
    void shouldMoveFromRetryingToSentOnTheNextAttempt() {
        final List<DeliveryStatusChanged> folded = fold(push("iphone", DeliveryState.QUEUED, 0, 0),
                push("iphone", DeliveryState.RETRYING, 1, 1), push("iphone", DeliveryState.SENT, 2, 6));

        assertThat(folded).singleElement().satisfies(delivery -> {
            assertThat(delivery.getState()).isEqualTo(DeliveryState.SENT);
            assertThat(delivery.getAttempts()).isEqualTo(2);
        });
    }

    @Test
    void shouldKeepEachDeviceAndChannelApart() {
        final DeliveryStatusChanged email = change("bob", NotificationChannel.EMAIL, null, DeliveryState.QUEUED, 0, 0);
        final DeliveryStatusChanged carol = change("carol", NotificationChannel.PUSH, "iphone", DeliveryState.QUEUED,
                0, 0);

        final List<DeliveryStatusChanged> folded = fold(push("iphone", DeliveryState.QUEUED, 0, 0),
                push("pixel", DeliveryState.QUEUED, 0, 0), email, carol, push("pixel", DeliveryState.SENT, 1, 1));

        assertThat(folded).extracting(d -> d.getUserId() + "/" + d.getChannel() + "/" + d.getDeviceId() + "="
                + d.getState()).containsExactly("bob/PUSH/iphone=QUEUED", "bob/PUSH/pixel=SENT", "bob/EMAIL/null=QUEUED",
                "carol/PUSH/iphone=QUEUED");
    }

    @Test
    void shouldLeaveTheGivenListUntouched() {
        final List<DeliveryStatusChanged> before = List.of(push("iphone", DeliveryState.QUEUED, 0, 0));

        final List<DeliveryStatusChanged> after = StatusKeeper.merged(before, push("iphone", DeliveryState.SENT, 1, 1));

        assertThat(before).extracting(DeliveryStatusChanged::getState).containsExactly(DeliveryState.QUEUED);
        assertThat(after).extracting(DeliveryStatusChanged::getState).containsExactly(DeliveryState.SENT);
    }
}

package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.auth.InternalCalls;
import io.eventline.auth.Principal;
import io.eventline.platform.ChatSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChatSocketTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static ChatSocket socket(Duration forwardEvery) {
        final InternalCalls.Caller alice = new InternalCalls.Caller(new Principal("alice", Set.of()), "127.0.0.1", false);
        return new ChatSocket(alice, "alice-phone", null, null, null, 5, forwardEvery, null);
    }

    @Test
    void shouldForwardTheConnectAndThenOneHeartbeatPerInterval() {
        final ChatSocket socket = socket(Duration.ofSeconds(10));

        assertThat(socket.heard(T0)).as("the connect").isTrue();
        assertThat(socket.heard(T0.plusSeconds(5))).isFalse();
        assertThat(socket.heard(T0.plusSeconds(10))).isTrue();
        assertThat(socket.heard(T0.plusSeconds(15))).isFalse();
        assertThat(socket.heard(T0.plusMillis(19_999))).isFalse();
        assertThat(socket.heard(T0.plusSeconds(25))).isTrue();
    }

    @Test
    void shouldRememberTheLastHeartbeatEvenWhenNotForwarded() {
        final ChatSocket socket = socket(Duration.ofSeconds(10));
        assertThat(socket.lastHeardOf()).isNull();

        socket.heard(T0);
        socket.heard(T0.plusSeconds(5));

        assertThat(socket.lastHeardOf()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void shouldForwardAThirdOfTheOfflineTimeoutButNotMoreOftenThanClientsSend() {
        assertThat(ChatSettings.defaults().heartbeatForwardInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new ChatSettings(100, 100, Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                Duration.ofSeconds(5), Duration.ofSeconds(12), 20, ChatSettings.MIN_SOCKET_OUTBOX_BYTES, 20, 1_000).heartbeatForwardInterval())
                .isEqualTo(Duration.ofSeconds(5));
    }
}

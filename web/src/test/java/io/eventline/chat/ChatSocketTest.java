package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.auth.InternalCalls;
import io.eventline.auth.Principal;
import io.eventline.serde.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChatSocketTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static ChatSocket socket(Duration forwardEvery) {
        final InternalCalls.Caller alice = new InternalCalls.Caller(new Principal("alice", Set.of()), "127.0.0.1", false);
        return new ChatSocket(alice, "alice-phone", null, null, null, 5, forwardEvery,
                new ChatFrames(Json.mapper()));
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
        assertThat(ChatSettings.defaults(1).heartbeatForwardInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new ChatSettings(100, 100, Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                Duration.ofSeconds(5), Duration.ofSeconds(12), 20, ChatSettings.MIN_SOCKET_OUTBOX_BYTES, 20, 1_000, 1).heartbeatForwardInterval())
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldRunEachSendAfterTheEarlierOnesWentAheadAndRefuseWhenTooManyWait() {
        // Given: a first send whose decision is still pending
        final ChatSocket socket = socket(Duration.ofSeconds(10));
        final List<String> ran = new ArrayList<>();
        final CompletableFuture<Void> firstDecision = new CompletableFuture<>();
        assertThat(socket.afterEarlierSends(() -> {
            ran.add("first");
            return firstDecision;
        })).isTrue();

        // When: more sends arrive, each decided at once, until the socket's waiting room is full
        for (int i = 1; i < ChatSocket.MAX_WAITING_SENDS; i++) {
            final String name = "send " + i;
            assertThat(socket.afterEarlierSends(() -> {
                ran.add(name);
                return CompletableFuture.completedFuture(null);
            })).isTrue();
        }

        // Then: none runs before the first went ahead, and one more is refused
        assertThat(ran).containsExactly("first");
        assertThat(socket.afterEarlierSends(() -> CompletableFuture.completedFuture(null))).isFalse();

        // When: the first goes ahead (or is refused: the others go on either way)
        firstDecision.completeExceptionally(new IllegalStateException("refused"));

        // Then: the others ran in the order they arrived, and the socket takes sends again
        assertThat(ran).hasSize(ChatSocket.MAX_WAITING_SENDS).startsWith("first", "send 1", "send 2")
                .endsWith("send " + (ChatSocket.MAX_WAITING_SENDS - 1));
        assertThat(socket.afterEarlierSends(() -> CompletableFuture.completedFuture(null))).isTrue();
    }
}

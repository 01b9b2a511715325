package io.eventline.chat;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.Partitions;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two in-process instances of one application: when the second joins and takes over some users' partitions,
 * the first closes those users' sockets with 1013 and the reason {@code reconnect}, and keeps the others open; a
 * client that reconnects where the endpoint now points gets what was sent meanwhile.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ChatSocketMoveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** B's start, the rebalance of both applications, and a check of the owners every second. */
    private static final Duration MOVE_DEADLINE = Duration.ofSeconds(60);

    @Test
    void shouldCloseTheSocketsOfUsersWhosePartitionMovedWith1013AndLetThemResumeAtTheNewOwner(KafkaCluster kafka)
            throws Exception {
        final String applicationId = "eventline-move-" + UUID.randomUUID().toString().substring(0, 8);
        final Map<String, String> env = Map.of("EVENTLINE_APPLICATION_ID", applicationId,
                "EVENTLINE_AWAIT_TIMEOUT_MS", "20000");
        try (PlatformFixture a = PlatformFixture.start(kafka.bootstrapServers(), env)) {
            // Given: A alone, with a socket for one user on each partition, each in a direct channel with a sender
            final Partitions partitions = new Partitions(PlatformFixture.TOPIC_PARTITIONS);
            final String sender = "sender-" + UUID.randomUUID().toString().substring(0, 8);
            final Map<String, String> channelOf = new LinkedHashMap<>();
            final Map<String, ChatSocketClient> sockets = new LinkedHashMap<>();
            try {
                for (int partition = 0; partition < PlatformFixture.TOPIC_PARTITIONS; partition++) {
                    final String user = userOn(partitions, partition);
                    channelOf.put(user, channelIdOf(a.post("/api/v1/channels", a.token(sender),
                            JSON.createObjectNode().put("type", "direct").<ObjectNode>set("members",
                                    JSON.createArrayNode().add(user)).toString())));
                    final ChatSocketClient socket = ChatSocketClient.connect(a.baseUrl(), a.token(user), "phone");
                    sockets.put(user, socket);
                    socket.await("hello", WAIT);
                }

                // When: B joins the application and takes over some partitions
                try (PlatformFixture b = PlatformFixture.start(kafka.bootstrapServers(), env)) {
                    final String urlOfB = b.baseUrl().replaceFirst("^http", "ws") + "/ws";
                    final List<String> moved = awaitSomeMovedTo(a, urlOfB, sockets.keySet());

                    // Then: their sockets on A are closed with 1013 "reconnect"; the others stay open
                    for (String user : moved) {
                        final ChatSocketClient socket = sockets.get(user);
                        assertThat(socket.awaitClose(WAIT)).as(user).isEqualTo(1013);
                        assertThat(socket.closeReason()).as(user).isEqualTo("reconnect");
                    }
                    Thread.sleep(2_000);
                    final List<String> movedBy = movedTo(a, urlOfB, sockets.keySet());
                    assertThat(movedBy).as("users B owns").containsAll(moved);
                    sockets.forEach((user, socket) -> assertThat(socket.isClosed()).as(user)
                            .isEqualTo(movedBy.contains(user)));

                    // and a moved user who reconnects where the endpoint points gets what was sent meanwhile
                    final String user = moved.get(0);
                    final HttpResponse<String> sent = a.post("/api/v1/channels/" + channelOf.get(user)
                            + "/messages", a.token(sender), JSON.createObjectNode().put("text", "while you moved")
                            .put("clientMessageId", UUID.randomUUID().toString()).toString());
                    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
                    try (ChatSocketClient again = ChatSocketClient.connect(b.baseUrl(), b.token(user), "phone")) {
                        final JsonNode message = again.await("message", WAIT);
                        assertThat(message.get("text").asText()).isEqualTo("while you moved");
                        assertThat(message.get("messageId").asText())
                                .isEqualTo(JSON.readTree(sent.body()).get("messageId").asText());
                    }
                }
            } finally {
                for (ChatSocketClient socket : sockets.values()) {
                    socket.close();
                }
            }
        }
    }

    /** Waits until A's endpoint names B's socket URL for some of {@code users}, and returns those. */
    private static List<String> awaitSomeMovedTo(PlatformFixture a, String urlOfB, Iterable<String> users)
            throws Exception {
        final List<String> moved = eventually(MOVE_DEADLINE, Duration.ofMillis(250),
                () -> movedTo(a, urlOfB, users), some -> !some.isEmpty());
        assertThat(moved).as("users whose partition B took over within " + MOVE_DEADLINE).isNotEmpty();
        return moved;
    }

    /** The users for whom A's endpoint names B's socket URL. */
    private static List<String> movedTo(PlatformFixture a, String urlOfB, Iterable<String> users) throws Exception {
        final List<String> moved = new ArrayList<>();
        for (String user : users) {
            final HttpResponse<String> endpoint = a.get("/api/v1/chat/endpoint", a.token(user));
            if (endpoint.statusCode() == 200 && urlOfB.equals(JSON.readTree(endpoint.body()).get("url").asText())) {
                moved.add(user);
            }
        }
        return moved;
    }

    private static String userOn(Partitions partitions, int partition) {
        String user;
        do {
            user = "mover-" + UUID.randomUUID().toString().substring(0, 8);
        } while (partitions.of(user) != partition);
        return user;
    }

    private static String channelIdOf(HttpResponse<String> created) throws Exception {
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        return JSON.readTree(created.body()).get("channelId").asText();
    }
}

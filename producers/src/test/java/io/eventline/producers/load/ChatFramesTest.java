package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ChatFramesTest {

    @Test
    void shouldWriteTheClientFramesOfTheProtocol() throws Exception {
        final JsonNode send = ChatSocket.JSON.readTree(ChatFrames.send("42", "hi \"there\"", "run-7"));

        assertThat(send.path("type").asText()).isEqualTo("send");
        assertThat(send.path("channelId").asText()).isEqualTo("42");
        assertThat(send.path("text").asText()).isEqualTo("hi \"there\"");
        assertThat(send.path("clientMessageId").asText()).isEqualTo("run-7");
        assertThat(ChatFrames.ack(17)).isEqualTo("{\"type\":\"ack\",\"seq\":17}");
        assertThat(ChatFrames.HEARTBEAT).isEqualTo("{\"type\":\"heartbeat\"}");
    }

    @Test
    void shouldReadBackOnlyThisRunsMessageIndexes() {
        assertThat(ChatFrames.messageIndex("k3x", ChatFrames.clientMessageId("k3x", 123_456))).isEqualTo(123_456);
        assertThat(ChatFrames.messageIndex("k3x", "k3x-0")).isZero();
        assertThat(ChatFrames.messageIndex("k3x", "k3y-5")).isEqualTo(-1);
        assertThat(ChatFrames.messageIndex("k3x", "k3x5")).isEqualTo(-1);
        assertThat(ChatFrames.messageIndex("k3x", "k3x-")).isEqualTo(-1);
        assertThat(ChatFrames.messageIndex("k3x", "k3x-12a")).isEqualTo(-1);
        assertThat(ChatFrames.messageIndex("k3x", "k3x-99999999999999999999")).isEqualTo(-1);
        assertThat(ChatFrames.messageIndex("k3x", null)).isEqualTo(-1);
    }

    @Test
    void shouldPadTextsToTheirLengthAfterTheLabel() {
        assertThat(ChatFrames.text("k3x-12", 20)).hasSize(20).startsWith("k3x-12 ");
        assertThat(ChatFrames.text("k3x-12", 3)).isEqualTo("k3x-12");
    }

    @Test
    void shouldNameProblemsAndFindTheMessageTheyReferTo() throws Exception {
        final JsonNode refused = ChatSocket.JSON.readTree("{\"type\":\"error\",\"problem\":{\"status\":429,"
                + "\"title\":\"Too Many Requests\",\"clientMessageId\":\"r-3\"}}");
        final JsonNode bare = ChatSocket.JSON.readTree("{\"type\":\"error\",\"clientMessageId\":\"r-4\","
                + "\"problem\":{\"type\":\"about:blank\"}}");

        assertThat(ChatFrames.problemName(refused)).isEqualTo("429 Too Many Requests");
        assertThat(ChatFrames.problemClientMessageId(refused)).isEqualTo("r-3");
        assertThat(ChatFrames.problemName(bare)).isEqualTo("about:blank");
        assertThat(ChatFrames.problemClientMessageId(bare)).isEqualTo("r-4");
        assertThat(ChatFrames.problemName(ChatSocket.JSON.readTree("{\"type\":\"error\"}"))).isEqualTo("error");
        assertThat(ChatFrames.problemName(ChatSocket.JSON.readTree("{\"type\":\"error\",\"problem\":{"
                + "\"status\":503,\"title\":\"Service unavailable\","
                + "\"detail\":\"the message was not confirmed in time; resend it\"}}")))
                .isEqualTo("503 Service unavailable (the message was not confirmed in time)");
    }

    @Test
    void shouldSpreadMessagesOverChannelsAndLetEveryMemberSendInTurn() {
        // 3 channels of 2: messages 0..5 go to channels 0,1,2,0,1,2 from members 0,0,0,1,1,1
        assertThat(List.of(0, 1, 2, 3, 4, 5)).extracting(i -> ChatTraffic.senderOf(i, 3, 2))
                .containsExactly(0, 2, 4, 1, 3, 5);
        // over channels x members messages every socket sends exactly once
        final Set<Integer> senders = new HashSet<>();
        for (long i = 0; i < 10 * 100; i++) {
            senders.add(ChatTraffic.senderOf(i, 10, 100));
        }
        assertThat(senders).hasSize(1_000);
        assertThat(ChatTraffic.channelOf(199, 100)).isEqualTo(1);
        // indexes past the int range: channel 1, member (500,000,000 mod 100) = 0
        assertThat(ChatTraffic.senderOf(5_000_000_001L, 10, 100)).isEqualTo(100);
    }

    @Test
    void shouldSpreadHeartbeatsOverTheInterval() {
        assertThat(ChatSockets.heartbeatSlot(0, Duration.ofSeconds(5))).isZero();
        assertThat(ChatSockets.heartbeatSlot(49, Duration.ofSeconds(5))).isEqualTo(49);
        assertThat(ChatSockets.heartbeatSlot(50, Duration.ofSeconds(5))).isZero();
        assertThat(ChatSockets.heartbeatSlot(7, Duration.ofMillis(100))).isZero();
    }

    @Test
    void shouldBuildSocketUrisWithTheTokenAndDevice() {
        assertThat(ChatSocket.socketUri(java.net.URI.create("http://localhost:18480"), "a.b-c_d", "phone 1"))
                .hasToString("ws://localhost:18480/ws?access_token=a.b-c_d&device=phone+1");
    }

    @Test
    void shouldAskForDirectChannelsAndNamedGroupsWithoutTheCreator() {
        assertThat(ChatChannels.body(List.of("alice", "bob"), null))
                .isEqualTo("{\"type\":\"direct\",\"members\":[\"bob\"]}");
        assertThat(ChatChannels.body(List.of("a", "b", "c"), "g-1"))
                .isEqualTo("{\"type\":\"group\",\"name\":\"g-1\",\"members\":[\"b\",\"c\"]}");
        assertThat(ChatChannels.channelId("{\"channelId\":\"7312\",\"type\":\"direct\"}")).isEqualTo("7312");
        assertThat(ChatChannels.channelId("{\"channelId\":7312}")).isEqualTo("7312");
        assertThat(ChatChannels.channelId("{\"eventId\":\"1\"}")).isNull();
        assertThat(ChatChannels.channelId("not json")).isNull();
        assertThat(ChatChannels.retryAfterMillis(OptionalLong.empty())).isEqualTo(1_000);
        assertThat(ChatChannels.retryAfterMillis(OptionalLong.of(120))).isEqualTo(30_000);
    }

    @Test
    void shouldSignTokensTheWayTheInstanceChecksThem() throws Exception {
        final String secret = "a-test-secret-of-at-least-32-characters";

        final String token = new JwtTokens(secret, Duration.ofHours(2)).issue("alice");

        final String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(parts[2]).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII))));
        final JsonNode header = ChatSocket.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        final JsonNode claims = ChatSocket.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("HS256");
        assertThat(claims.path("iss").asText()).isEqualTo("eventline");
        assertThat(claims.path("sub").asText()).isEqualTo("alice");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(7_200);
    }

    @Test
    void shouldSumTheHeapPoolsOfTheMetricsAndReadTheResidentSet() {
        final String metrics = """
                # HELP jvm_memory_used_bytes The amount of used memory
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{area="heap",id="Eden Space",} 1.2E7
                jvm_memory_used_bytes{area="heap",id="Tenured Gen",} 3.0E7
                jvm_memory_used_bytes{area="nonheap",id="Metaspace",} 9.0E7
                jvm_memory_used_bytes_total{area="heap"} 5
                jvm_memory_max_bytes{area="heap",id="Eden Space",} 1.0E9
                """;

        assertThat(ServerMemory.heapUsedBytes(metrics)).hasValue(42_000_000L);
        assertThat(ServerMemory.heapUsedBytes("up 1\n")).isEmpty();
        assertThat(ServerMemory.rssBytes("Name:\tjava\nVmRSS:\t  376012 kB\nThreads:\t80\n"))
                .hasValue(376_012L * 1024);
        assertThat(ServerMemory.perConnection(OptionalLong.of(1_000_000), OptionalLong.of(1_000_000 + 5 * 40_960),
                5)).isEqualTo("40.0 KiB");
        assertThat(ServerMemory.perConnection(OptionalLong.empty(), OptionalLong.of(1), 5)).isEqualTo("unknown");
        assertThat(ServerMemory.perConnection(OptionalLong.of(1), OptionalLong.of(2), 0)).isEqualTo("unknown");
    }
}

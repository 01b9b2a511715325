package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.http.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MEMBERS = 100;
    private static final int MAX_CHARS = 100_000;

    private static JsonNode body(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static ProblemException problem(Runnable parse) {
        try {
            parse.run();
        } catch (ProblemException e) {
            return e;
        }
        throw new AssertionError("expected a problem");
    }

    private static List<String> pointers(Runnable parse) {
        final ProblemException problem = problem(parse);
        assertThat(problem.status()).isEqualTo(400);
        return problem.errors().stream().map(ProblemException.FieldError::pointer).toList();
    }

    @Test
    void shouldReadBackTheChannelOfACursorAndRefuseCursorsItDidNotMake() {
        // Given the cursor after a direct and after a group channel
        final String direct = "d_AAAAAAAAAAAAAAAAAAAAAA";
        final String group = "g_123";

        // Then each names its channel, none names the first page, and anything else is a 400 on /cursor
        assertThat(ChatRequests.channelAfter(ChatRequests.channelCursor(direct))).isEqualTo(direct);
        assertThat(ChatRequests.channelAfter(ChatRequests.channelCursor(group))).isEqualTo(group);
        assertThat(ChatRequests.channelAfter(null)).isNull();
        assertThat(ChatRequests.channelAfter("")).isNull();
        for (String bad : List.of("%%%", "not base64!", ChatRequests.channelCursor("x_1"),
                ChatRequests.channelCursor("g_1\u0000"))) {
            try {
                ChatRequests.channelAfter(bad);
                throw new AssertionError("accepted " + bad);
            } catch (ProblemException e) {
                assertThat(e.status()).as(bad).isEqualTo(400);
                assertThat(e.errors()).extracting(ProblemException.FieldError::pointer).containsExactly("/cursor");
            }
        }
    }

    @Test
    void shouldNameAnUnnamedDeviceTheSameForOneTokenAndDifferentlyForAnother() {
        final String once = ChatRequests.unnamedDevice("token-a");
        final String again = ChatRequests.unnamedDevice("token-a");
        final String other = ChatRequests.unnamedDevice("token-b");

        assertThat(once).isEqualTo(again).startsWith("web-").hasSize(20).isNotEqualTo(other);
        assertThat(ChatRequests.device(once, "/device")).isEqualTo(once);
    }

    @Test
    void shouldReadADirectChannelWithTheOtherMember() throws Exception {
        final ChatRequests.NewChannel channel = ChatRequests.channel(
                body("{\"type\":\"direct\",\"members\":[\"bob\"]}"), "alice", MAX_MEMBERS);

        assertThat(channel.type()).isEqualTo(ChannelType.DIRECT);
        assertThat(channel.members()).containsExactly("bob");
        assertThat(channel.name()).isNull();
    }

    @Test
    void shouldRefuseADirectChannelWithOneselfOrWithOtherThanOneMember() throws Exception {
        final JsonNode self = body("{\"type\":\"direct\",\"members\":[\"alice\"]}");
        final JsonNode two = body("{\"type\":\"direct\",\"members\":[\"bob\",\"carol\"]}");
        final JsonNode none = body("{\"type\":\"direct\"}");

        assertThat(pointers(() -> ChatRequests.channel(self, "alice", MAX_MEMBERS))).containsExactly("/members/0");
        assertThat(pointers(() -> ChatRequests.channel(two, "alice", MAX_MEMBERS))).containsExactly("/members");
        assertThat(pointers(() -> ChatRequests.channel(none, "alice", MAX_MEMBERS))).containsExactly("/members");
    }

    @Test
    void shouldReportAnUnknownTypeAndInvalidMembers() throws Exception {
        final JsonNode invalid = body("{\"type\":\"broadcast\",\"members\":[\"ok\",\"a\\u0000b\",7]}");
        final JsonNode untyped = body("{\"members\":[\"bob\"]}");

        assertThat(pointers(() -> ChatRequests.channel(invalid, "alice", MAX_MEMBERS)))
                .containsExactlyInAnyOrder("/type", "/members/1", "/members/2");
        assertThat(pointers(() -> ChatRequests.channel(untyped, "alice", MAX_MEMBERS))).containsExactly("/type");
    }

    @Test
    void shouldReadAGroupWithoutTheCreatorAndWithoutRepeats() throws Exception {
        final ChatRequests.NewChannel group = ChatRequests.channel(body("{\"type\":\"group\",\"name\":\"  Team \","
                + "\"members\":[\"bob\",\"alice\",\"carol\",\"bob\"]}"), "alice", MAX_MEMBERS);

        assertThat(group.type()).isEqualTo(ChannelType.GROUP);
        assertThat(group.name()).isEqualTo("Team");
        assertThat(group.members()).containsExactly("bob", "carol");
    }

    @Test
    void shouldRequireAGroupNameOf1To100Characters() throws Exception {
        final JsonNode missing = body("{\"type\":\"group\",\"members\":[\"bob\"]}");
        final JsonNode blank = body("{\"type\":\"group\",\"name\":\"   \"}");
        final JsonNode tooLong = JSON.createObjectNode().put("type", "group").put("name", "n".repeat(101));
        final JsonNode longest = JSON.createObjectNode().put("type", "group").put("name", "n".repeat(100));

        assertThat(pointers(() -> ChatRequests.channel(missing, "alice", MAX_MEMBERS))).containsExactly("/name");
        assertThat(pointers(() -> ChatRequests.channel(blank, "alice", MAX_MEMBERS))).containsExactly("/name");
        assertThat(pointers(() -> ChatRequests.channel(tooLong, "alice", MAX_MEMBERS))).containsExactly("/name");
        assertThat(ChatRequests.channel(longest, "alice", MAX_MEMBERS).name()).hasSize(100);
    }

    @Test
    void shouldAcceptAGroupOf100WithItsCreatorAndRefuse101With409() {
        final ChatRequests.NewChannel full = ChatRequests.channel(group(99), "alice", MAX_MEMBERS);
        final ProblemException tooMany = problem(() -> ChatRequests.channel(group(100), "alice", MAX_MEMBERS));

        assertThat(full.members()).hasSize(99);
        assertThat(tooMany.status()).isEqualTo(409);
        assertThat(tooMany.type()).endsWith("/group-full");
    }

    @Test
    void shouldAcceptATextOf100000CharactersAndRefuse100001With413() {
        final ChatRequests.NewMessage longest = ChatRequests.message(message("x".repeat(MAX_CHARS), "c1"),
                MAX_CHARS);
        final ProblemException tooLong = problem(() -> ChatRequests.message(message("x".repeat(MAX_CHARS + 1),
                "c1"), MAX_CHARS));

        assertThat(longest.text()).hasSize(MAX_CHARS);
        assertThat(tooLong.status()).isEqualTo(413);
        assertThat(tooLong.errors()).extracting(ProblemException.FieldError::pointer).containsExactly("/text");
    }

    @Test
    void shouldCountCodePointsNotUtf16Units() {
        final String emoji = "\uD83D\uDE00";
        assertThat(ChatRequests.message(message(emoji.repeat(10), "c1"), 10).text()).isEqualTo(emoji.repeat(10));
        assertThat(problem(() -> ChatRequests.message(message(emoji.repeat(11), "c1"), 10)).status())
                .isEqualTo(413);
    }

    @Test
    void shouldRequireTextAndAClientMessageIdOfAtMost128Characters() {
        assertThat(pointers(() -> ChatRequests.message(message("", "c1"), MAX_CHARS))).containsExactly("/text");
        assertThat(pointers(() -> ChatRequests.message(JSON.createObjectNode(), MAX_CHARS)))
                .containsExactly("/text", "/clientMessageId");
        assertThat(pointers(() -> ChatRequests.message(message("hi", "c".repeat(129)), MAX_CHARS)))
                .containsExactly("/clientMessageId");
        assertThat(ChatRequests.message(message("hi", "c".repeat(128)), MAX_CHARS).clientMessageId()).hasSize(128);
    }

    @Test
    void shouldValidateDevicesSequencesLimitsAndMessageIds() throws Exception {
        assertThat(ChatRequests.device("phone-1.a_B", "/device")).isEqualTo("phone-1.a_B");
        assertThat(pointers(() -> ChatRequests.device("has space", "/device"))).containsExactly("/device");
        assertThat(pointers(() -> ChatRequests.device("d".repeat(65), "/device"))).containsExactly("/device");
        assertThat(pointers(() -> ChatRequests.device(null, "/device"))).containsExactly("/device");
        assertThat(ChatRequests.ackSeq(body("{\"seq\":42}"))).isEqualTo(42);
        assertThat(pointers(() -> ChatRequests.ackSeq(JSON.createObjectNode().put("seq", -1))))
                .containsExactly("/seq");
        assertThat(pointers(() -> ChatRequests.ackSeq(JSON.createObjectNode().put("seq", "7"))))
                .containsExactly("/seq");
        assertThat(ChatRequests.limit(null, 50, 200)).isEqualTo(50);
        assertThat(ChatRequests.limit("200", 50, 200)).isEqualTo(200);
        assertThat(pointers(() -> ChatRequests.limit("201", 50, 200))).containsExactly("/limit");
        assertThat(ChatRequests.messageId(body("{\"messageId\":\"123\"}"), "messageId")).isEqualTo(123);
        assertThat(pointers(() -> ChatRequests.messageId(JSON.createObjectNode().put("messageId", "x1"),
                "messageId"))).containsExactly("/messageId");
        assertThat(ChatRequests.messageIdParam(null, "before")).isNull();
        assertThat(pointers(() -> ChatRequests.messageIdParam("-5", "before"))).containsExactly("/before");
        assertThat(ChatRequests.seqParam("0", "after")).isZero();
    }

    private static ObjectNode message(String text, String clientMessageId) {
        return JSON.createObjectNode().put("text", text).put("clientMessageId", clientMessageId);
    }

    private static JsonNode group(int others) {
        final ObjectNode body = JSON.createObjectNode().put("type", "group").put("name", "big");
        final ArrayNode members = body.putArray("members");
        for (int i = 0; i < others; i++) {
            members.add("member-" + i);
        }
        return body;
    }
}

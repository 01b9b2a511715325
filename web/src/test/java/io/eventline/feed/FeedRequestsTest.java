package io.eventline.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.http.ProblemException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FeedRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldAcceptATextOfExactly5000CodePointsEvenWhenTheyAreSurrogatePairs() {
        final String emoji = "\uD83D\uDE00".repeat(FeedRequests.MAX_TEXT);

        assertThat(FeedRequests.postText(body("text", emoji))).isEqualTo(emoji);
        assertThat(FeedRequests.postText(body("text", "x".repeat(FeedRequests.MAX_TEXT)))).hasSize(5000);
    }

    @Test
    void shouldRejectA5001CharacterTextWithAPointerToIt() {
        assertThatThrownBy(() -> FeedRequests.postText(body("text", "x".repeat(FeedRequests.MAX_TEXT + 1))))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(400);
                    assertThat(problem.errors()).singleElement()
                            .satisfies(error -> assertThat(error.pointer()).isEqualTo("/text"));
                });
    }

    @Test
    void shouldRejectEmptyBlankMissingAndNonStringTexts() {
        for (ObjectNode bad : new ObjectNode[] {body("text", ""), body("text", " \t\n"), JSON.createObjectNode(),
                JSON.createObjectNode().putNull("text"), JSON.createObjectNode().put("text", 42)}) {
            assertThatThrownBy(() -> FeedRequests.postText(bad)).as(bad.toString())
                    .isInstanceOfSatisfying(ProblemException.class,
                            problem -> assertThat(problem.status()).isEqualTo(400));
        }
    }

    @Test
    void shouldAcceptDisplayNamesOfOneTo64CharactersAndRejectBlankOrLongerOnes() {
        assertThat(FeedRequests.displayName(body("displayName", "A"))).isEqualTo("A");
        assertThat(FeedRequests.displayName(body("displayName", "é".repeat(64)))).hasSize(64);

        for (String bad : new String[] {"", "   ", "n".repeat(65)}) {
            assertThatThrownBy(() -> FeedRequests.displayName(body("displayName", bad))).as(bad)
                    .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.errors())
                            .singleElement().satisfies(e -> assertThat(e.pointer()).isEqualTo("/displayName")));
        }
    }

    @Test
    void shouldReadOnlyNonNegativeDecimalLongsAsPostIds() {
        assertThat(FeedRequests.postId("1234567890123456789")).hasValue(1234567890123456789L);
        assertThat(FeedRequests.postId("0")).hasValue(0L);
        assertThat(FeedRequests.postId(Long.toString(Long.MAX_VALUE))).hasValue(Long.MAX_VALUE);

        for (String bad : new String[] {"", "-1", "+1", "1e3", "abc", "9223372036854775808", "12345678901234567890",
                " 1", null}) {
            assertThat(FeedRequests.postId(bad)).as(String.valueOf(bad)).isEqualTo(OptionalLong.empty());
        }
    }

    private static ObjectNode body(String field, String value) {
        return JSON.createObjectNode().put(field, value);
    }
}

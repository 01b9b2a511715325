package io.eventline.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class FeedCursorsTest {

    @Test
    void shouldReturnThePostIdAnOpaquePostCursorWasMadeOf() {
        final long postId = 7_312_345_678_901_234_567L;

        final String cursor = FeedCursors.ofPost(postId);

        assertThat(cursor).matches("[A-Za-z0-9_-]+").doesNotContain(Long.toString(postId));
        assertThat(FeedCursors.postId(cursor)).isEqualTo(postId);
    }

    @Test
    void shouldReturnTheUserIdAnOpaqueUserCursorWasMadeOf() {
        for (String userId : new String[] {"alice", "b\u00f6b, the second", "\uD83D\uDE00/?&="}) {
            assertThat(FeedCursors.userId(FeedCursors.ofUser(userId))).isEqualTo(userId);
        }
    }

    @Test
    void shouldTreatAMissingOrEmptyCursorAsTheFirstPage() {
        assertThat(FeedCursors.postId(null)).isNull();
        assertThat(FeedCursors.postId("")).isNull();
        assertThat(FeedCursors.userId(null)).isNull();
    }

    @Test
    void shouldRejectCursorsThisApiNeverReturnedWith400() {
        final String notANumber = Base64.getUrlEncoder().encodeToString("abc".getBytes(StandardCharsets.UTF_8));
        final String controlCharacter = Base64.getUrlEncoder()
                .encodeToString("a\u0000b".getBytes(StandardCharsets.UTF_8));

        for (String bad : new String[] {"bogus!", "%%%", notANumber}) {
            assertThatThrownBy(() -> FeedCursors.postId(bad)).as(bad)
                    .isInstanceOfSatisfying(ProblemException.class, problem -> {
                        assertThat(problem.status()).isEqualTo(400);
                        assertThat(problem.errors()).singleElement()
                                .satisfies(e -> assertThat(e.pointer()).isEqualTo("/cursor"));
                    });
        }
        assertThatThrownBy(() -> FeedCursors.userId(controlCharacter)).isInstanceOf(ProblemException.class);
    }
}

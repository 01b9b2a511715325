package io.eventline.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Filling pages of post IDs with posts: deleted posts are skipped and the page is still full when it can be. */
class FeedReadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, JsonNode> posts = new HashMap<>();
    private final Map<String, JsonNode> profiles = new HashMap<>();
    private final List<Collection<String>> postLookups = new ArrayList<>();
    private final FeedReads reads = new FeedReads(new FeedReads.Lookup() {
        @Override
        public Map<String, EncodedPost> posts(Context ctx, Collection<String> postIds) {
            postLookups.add(List.copyOf(postIds));
            final Map<String, EncodedPost> found = new HashMap<>();
            postIds.stream().filter(posts::containsKey).forEach(key -> found.put(key, EncodedPost.of(posts.get(key))));
            return found;
        }

        @Override
        public Map<String, JsonNode> profiles(Context ctx, Collection<String> userIds) {
            final Map<String, JsonNode> found = new HashMap<>();
            userIds.stream().filter(profiles::containsKey).forEach(key -> found.put(key, profiles.get(key)));
            return found;
        }

        @Override
        public Map<String, byte[]> names(Context ctx, Collection<String> userIds) {
            final Map<String, byte[]> found = new HashMap<>();
            profiles(ctx, userIds).forEach((id, profile) -> found.put(id,
                    FeedItemCache.encodedName(profile.path("displayName").textValue())));
            return found;
        }
    });
    /** Post IDs 100 (newest) down to 1. */
    private final List<Long> list = LongStream.iterate(100, id -> id >= 1, id -> id - 1).boxed().toList();

    @BeforeEach
    void storeEveryPostOfTheList() {
        list.forEach(id -> posts.put(Long.toString(id), post(id, id % 2 == 0 ? "even" : "odd")));
        profiles.put("even", FeedJson.profile(UserState.newBuilder().setUserId("even").setDisplayName("Even").build()));
    }

    @Test
    void shouldReturnAFullPageWithTheCursorOfItsLastPostWhenMoreFollow() throws Exception {
        final FeedReads.Page page = reads.page(null, this::olderThan, null, 3);

        assertThat(ids(page)).containsExactly(100L, 99L, 98L);
        assertThat(page.nextCursor()).isEqualTo(98L);
        assertThat(postLookups).hasSize(1);
    }

    @Test
    void shouldFillThePageWithOlderPostsWhenSomeWereDeleted() throws Exception {
        List.of(99L, 98L, 97L, 96L).forEach(id -> posts.remove(Long.toString(id)));

        final FeedReads.Page page = reads.page(null, this::olderThan, 100L, 3);

        assertThat(ids(page)).containsExactly(95L, 94L, 93L);
        assertThat(page.nextCursor()).isEqualTo(93L);
    }

    @Test
    void shouldEndWithoutACursorWhenTheListRunsOut() throws Exception {
        posts.remove("1");

        final FeedReads.Page page = reads.page(null, this::olderThan, 3L, 5);

        assertThat(ids(page)).containsExactly(2L);
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void shouldEndWithoutACursorWhenTheLastPageIsExactlyFullAndOnlyDeletedPostsFollow() throws Exception {
        posts.remove("1");

        final FeedReads.Page page = reads.page(null, this::olderThan, 4L, 2);

        assertThat(ids(page)).containsExactly(3L, 2L);
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void shouldStopAfterBoundedRoundsAndLetTheClientContinueFromWhereReadingStopped() throws Exception {
        LongStream.rangeClosed(1, 99).forEach(id -> posts.remove(Long.toString(id)));

        final FeedReads.Page first = reads.page(null, this::olderThan, 100L, 2);

        assertThat(first.items()).isEmpty();
        assertThat(first.nextCursor()).isNotNull().isLessThan(100L);
        assertThat(postLookups).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void shouldFillInTheAuthorsCurrentNamesAndNullForAuthorsWithoutAProfile() throws Exception {
        final FeedReads.Page page = reads.page(null, this::olderThan, null, 2);

        assertThat(items(page)).extracting(item -> item.get("authorDisplayName").isNull() ? null
                : item.get("authorDisplayName").asText()).containsExactly("Even", null);
    }

    @Test
    void shouldWriteEachPostAsTheApiDefinesItWithTheCursorOfTheNextPage() throws Exception {
        // Given a post whose text needs escaping
        posts.put("100", FeedJson.post(Post.newBuilder().setPostId(100).setAuthorId("even")
                .setText("\"quoted\" \\ line\nbreak \u00e9\u2028").setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build(), null));

        // When a page of two is written
        final FeedReads.Page page = reads.page(null, this::olderThan, null, 2);
        final JsonNode body = JSON.readTree(page.json());

        // Then each item is exactly the post's JSON with its author's name, and the cursor is the opaque one
        final ObjectNode expected = ((ObjectNode) posts.get("100")).deepCopy().put("authorDisplayName", "Even");
        assertThat(body.get("items").get(0)).isEqualTo(expected);
        assertThat(body.get("items")).hasSize(2);
        assertThat(body.get("nextCursor").asText()).isEqualTo(FeedCursors.ofPost(99L));
    }

    private List<Long> olderThan(Long cursor, int count) {
        return list.stream().filter(id -> cursor == null || id < cursor).limit(count).toList();
    }

    private static List<Long> ids(FeedReads.Page page) throws Exception {
        return items(page).stream().map(item -> Long.parseLong(item.get("postId").asText())).toList();
    }

    private static List<JsonNode> items(FeedReads.Page page) throws Exception {
        final List<JsonNode> items = new ArrayList<>();
        JSON.readTree(page.json()).get("items").forEach(items::add);
        return items;
    }

    private static ObjectNode post(long id, String author) {
        return FeedJson.post(Post.newBuilder().setPostId(id).setAuthorId(author).setText("post " + id)
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L + id)).build(), null);
    }
}

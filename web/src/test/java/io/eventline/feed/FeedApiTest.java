package io.eventline.feed;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class FeedApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Small, so that the cap is reachable; no other test follows more than this many users. */
    private static final int MAX_FOLLOWING = 3;
    /** Authors with more followers than this are celebrities; only the celebrity test gives anyone that many. */
    private static final int CELEBRITY_THRESHOLD = 2;
    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(10);
    private static PlatformFixture platform;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        platform = PlatformFixture.start(kafka.bootstrapServers(),
                Map.of("EVENTLINE_FEED_MAX_FOLLOWING", Integer.toString(MAX_FOLLOWING),
                        "EVENTLINE_FEED_CELEBRITY_THRESHOLD", Integer.toString(CELEBRITY_THRESHOLD)));
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldAnswerAProfileOnceItIsSetAnd404ForAnUnknownUser() throws Exception {
        // Given
        final String alice = user("alice");

        // When
        final HttpResponse<String> set = platform.put("/api/v1/me/profile", token(alice),
                "{\"displayName\":\"Alice A.\"}");
        final HttpResponse<String> read = platform.get("/api/v1/users/" + alice, token(user("reader")));
        final HttpResponse<String> unknown = platform.get("/api/v1/users/" + user("nobody"), token(alice));

        // Then
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        final JsonNode profile = JSON.readTree(set.body());
        assertThat(profile.get("id").asText()).isEqualTo(alice);
        assertThat(profile.get("displayName").asText()).isEqualTo("Alice A.");
        assertThat(profile.get("followers").asInt()).isZero();
        assertThat(profile.get("following").asInt()).isZero();
        assertThat(profile.get("posts").asInt()).isZero();
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(read.body())).isEqualTo(profile);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void shouldRejectBlankAndTooLongDisplayNamesWith400() throws Exception {
        final String alice = token(user("alice"));

        for (String bad : List.of("", "   ", "n".repeat(65))) {
            final HttpResponse<String> response = platform.put("/api/v1/me/profile", alice,
                    JSON.createObjectNode().put("displayName", bad).toString());
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).at("/errors/0/pointer").asText()).isEqualTo("/displayName");
        }
    }

    @Test
    void shouldFollowAndUnfollowIdempotentlyWith204AndNoBody() throws Exception {
        // Given
        final String alice = user("alice");
        final String bob = user("bob");
        profile(alice, "Alice");
        profile(bob, "Bob");

        // When
        final HttpResponse<String> follow = platform.put("/api/v1/me/following/" + alice, token(bob), null);
        final HttpResponse<String> again = platform.put("/api/v1/me/following/" + alice, token(bob), null);
        final HttpResponse<String> unfollow = platform.delete("/api/v1/me/following/" + alice, token(bob));
        final HttpResponse<String> unfollowAgain = platform.delete("/api/v1/me/following/" + alice, token(bob));

        // Then
        for (HttpResponse<String> response : List.of(follow, again, unfollow, unfollowAgain)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
            assertThat(response.body()).isEmpty();
            assertThat(response.headers().firstValue("Content-Type")).isEmpty();
        }
    }

    @Test
    void shouldRejectFollowingOneselfWith400AndAnUnknownUserWith404() throws Exception {
        final String alice = user("alice");
        profile(alice, "Alice");

        final HttpResponse<String> self = platform.put("/api/v1/me/following/" + alice, token(alice), null);
        final HttpResponse<String> unknown = platform.put("/api/v1/me/following/" + user("ghost"), token(alice),
                null);

        assertThat(self.statusCode()).isEqualTo(400);
        assertThat(self.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void shouldRejectAFollowBeyondTheCapWith409() throws Exception {
        // Given: a user who already follows as many users as anyone may
        final String fan = user("fan");
        profile(fan, "Fan");
        for (int i = 0; i < MAX_FOLLOWING; i++) {
            final String star = user("star" + i);
            profile(star, "Star " + i);
            assertThat(platform.put("/api/v1/me/following/" + star, token(fan), null).statusCode()).isEqualTo(204);
        }
        final String oneTooMany = user("star-extra");
        profile(oneTooMany, "One too many");

        // When
        final HttpResponse<String> over = platform.put("/api/v1/me/following/" + oneTooMany, token(fan), null);

        // Then
        assertThat(over.statusCode()).as(over.body()).isEqualTo(409);
        assertThat(over.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void shouldListFollowersAndFollowingWithDisplayNamesInPages() throws Exception {
        // Given
        final String alice = user("alice");
        final String bob = user("bob");
        final String carol = user("carol");
        profile(alice, "Alice");
        profile(bob, "Bob");
        follow(bob, alice);
        follow(carol, alice);

        // When
        final JsonNode followers = await("/api/v1/users/" + alice + "/followers", token(bob),
                page -> page.get("items").size() == 2);
        final JsonNode first = JSON.readTree(platform.get("/api/v1/users/" + alice + "/followers?limit=1",
                token(bob)).body());
        final JsonNode second = JSON.readTree(platform.get("/api/v1/users/" + alice + "/followers?limit=1&cursor="
                + first.get("nextCursor").asText(), token(bob)).body());
        final JsonNode following = JSON.readTree(platform.get("/api/v1/users/" + bob + "/following", token(bob))
                .body());

        // Then: carol has no profile, so no name
        final Map<String, JsonNode> byId = new java.util.HashMap<>();
        followers.get("items").forEach(item -> byId.put(item.get("id").asText(), item.get("displayName")));
        assertThat(byId.keySet()).containsExactlyInAnyOrder(bob, carol);
        assertThat(byId.get(bob).asText()).isEqualTo("Bob");
        assertThat(byId.get(carol).isNull()).isTrue();
        assertThat(followers.get("nextCursor").isNull()).isTrue();
        assertThat(List.of(first.at("/items/0/id").asText(), second.at("/items/0/id").asText()))
                .containsExactlyInAnyOrder(bob, carol);
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(following.get("items")).hasSize(1);
        assertThat(following.at("/items/0/id").asText()).isEqualTo(alice);
        assertThat(following.at("/items/0/displayName").asText()).isEqualTo("Alice");
    }

    @Test
    void shouldShowANewPostInTheAuthorsOwnFeedRightAfterThe201() throws Exception {
        // Given
        final String alice = user("alice");
        profile(alice, "Alice");

        // When
        final HttpResponse<String> created = platform.post("/api/v1/posts", token(alice),
                "{\"text\":\"hello, world\"}");
        final HttpResponse<String> feed = platform.get("/api/v1/me/feed", token(alice));

        // Then
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        final JsonNode post = JSON.readTree(created.body());
        assertThat(post.get("postId").isTextual()).isTrue();
        assertThat(post.get("postId").asText()).matches("[0-9]+");
        assertThat(post.get("authorId").asText()).isEqualTo(alice);
        assertThat(post.get("authorDisplayName").asText()).isEqualTo("Alice");
        assertThat(post.get("text").asText()).isEqualTo("hello, world");
        assertThat(post.get("createdAt").asText()).isNotEmpty();
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/posts/" + post.get("postId").asText());
        assertThat(feed.statusCode()).isEqualTo(200);
        final JsonNode items = JSON.readTree(feed.body()).get("items");
        assertThat(items).isNotEmpty();
        assertThat(items.get(0)).isEqualTo(post);
        final HttpResponse<String> single = platform.get("/api/v1/posts/" + post.get("postId").asText(),
                token(user("reader")));
        assertThat(single.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(single.body())).isEqualTo(post);
    }

    @Test
    void shouldDeliverAFolloweesNewPostToTheFollowersFeed() throws Exception {
        // Given
        final String alice = user("alice");
        final String bob = user("bob");
        profile(alice, "Alice");
        follow(bob, alice);

        // When
        final String postId = publish(alice, "news for my followers");

        // Then
        final JsonNode feed = await("/api/v1/me/feed", token(bob), page -> postIds(page).contains(postId));
        final JsonNode item = feed.get("items").get(0);
        assertThat(item.get("postId").asText()).isEqualTo(postId);
        assertThat(item.get("authorId").asText()).isEqualTo(alice);
        assertThat(item.get("authorDisplayName").asText()).isEqualTo("Alice");
        assertThat(item.get("text").asText()).isEqualTo("news for my followers");
        // Then: operators see the fan-out in the metrics (which take up to their refresh interval to appear)
        final Pattern inserts = Pattern.compile("kafka_stream_feed_inserts_total\\{[^}]*\\} [1-9]");
        final String metrics = eventually(Duration.ofSeconds(30), Duration.ofMillis(500),
                () -> platform.metrics().body(),
                body -> inserts.matcher(body).find() && body.contains("kafka_stream_feed_delivery_records_total"));
        assertThat(metrics).containsPattern(inserts).contains("kafka_stream_feed_delivery_records_total");
    }

    @Test
    void shouldBackfillEarlierPostsOnFollowAndRemoveThemOnUnfollow() throws Exception {
        // Given: alice posted before bob followed her
        final String alice = user("alice");
        final String bob = user("bob");
        profile(alice, "Alice");
        final String older = publish(alice, "first");
        final String newer = publish(alice, "second");

        // When: the follow answers once the backfill is done
        follow(bob, alice);
        final JsonNode backfilled = JSON.readTree(platform.get("/api/v1/me/feed", token(bob)).body());

        // Then
        assertThat(postIds(backfilled)).containsExactly(newer, older);

        // When
        assertThat(platform.delete("/api/v1/me/following/" + alice, token(bob)).statusCode()).isEqualTo(204);

        // Then
        final JsonNode after = await("/api/v1/me/feed", token(bob), page -> page.get("items").isEmpty());
        assertThat(postIds(after)).isEmpty();
    }

    @Test
    void shouldMergeOnlyTheFollowedCelebritysPostsIntoAFeedAndHideThemAtOnceOnUnfollow() throws Exception {
        // Given: two celebrities, each with more followers than the threshold and a post that is not fanned out
        final String star = user("star");
        final String other = user("other-star");
        final List<String> fans = new ArrayList<>();
        for (String celebrity : List.of(star, other)) {
            profile(celebrity, "Celebrity");
            for (int i = 0; i <= CELEBRITY_THRESHOLD; i++) {
                final String fan = user("fan");
                follow(fan, celebrity);
                fans.add(fan);
            }
        }
        final String first = publish(star, "to all my fans");
        final String elsewhere = publish(other, "not for the reader");
        await("/api/v1/me/feed", token(fans.get(0)), page -> postIds(page).contains(first));

        // When: a reader follows star and an ordinary author, and both post
        final String reader = user("reader");
        final String alice = user("alice");
        profile(alice, "Alice");
        follow(reader, star);
        follow(reader, alice);
        final String second = publish(star, "hello again");
        final String ordinary = publish(alice, "from an ordinary author");

        // Then: the reader's page holds star's posts and alice's, hydrated, and none of the other celebrity's
        final JsonNode feed = await("/api/v1/me/feed", token(reader),
                page -> postIds(page).containsAll(List.of(second, ordinary)));
        assertThat(postIds(feed)).containsExactly(ordinary, second, first).doesNotContain(elsewhere);
        assertThat(feed.at("/items/1/authorId").asText()).isEqualTo(star);
        assertThat(feed.at("/items/1/text").asText()).isEqualTo("hello again");

        // When
        assertThat(platform.delete("/api/v1/me/following/" + star, token(reader)).statusCode()).isEqualTo(204);

        // Then: right after the answer, nothing of star's
        final JsonNode after = JSON.readTree(platform.get("/api/v1/me/feed", token(reader)).body());
        assertThat(postIds(after)).containsExactly(ordinary);
    }

    @Test
    void shouldDeleteAPostForItsAuthorOnlyAndRemoveItFromEveryFeed() throws Exception {
        // Given
        final String alice = user("alice");
        final String bob = user("bob");
        final String carol = user("carol");
        profile(alice, "Alice");
        follow(bob, alice);
        final String kept = publish(alice, "kept");
        final String deleted = publish(alice, "deleted soon");
        await("/api/v1/me/feed", token(bob), page -> postIds(page).contains(deleted));

        // When
        final HttpResponse<String> byOther = platform.delete("/api/v1/posts/" + deleted, token(carol));
        final HttpResponse<String> byAuthor = platform.delete("/api/v1/posts/" + deleted, token(alice));

        // Then
        assertThat(byOther.statusCode()).as(byOther.body()).isEqualTo(403);
        assertThat(byOther.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(byAuthor.statusCode()).as(byAuthor.body()).isEqualTo(204);
        assertThat(byAuthor.body()).isEmpty();
        assertThat(platform.get("/api/v1/posts/" + deleted, token(bob)).statusCode()).isEqualTo(404);
        assertThat(platform.delete("/api/v1/posts/" + deleted, token(alice)).statusCode()).isEqualTo(404);
        for (String reader : List.of(alice, bob)) {
            final JsonNode feed = await("/api/v1/me/feed", token(reader), page -> !postIds(page).contains(deleted));
            assertThat(postIds(feed)).as(reader).contains(kept).doesNotContain(deleted);
        }
        assertThat(postIds(JSON.readTree(platform.get("/api/v1/users/" + alice + "/posts", token(bob)).body())))
                .containsExactly(kept);
    }

    @Test
    void shouldNeverShowACachedPostOnceItsDeleteWasAnsweredNorAnOldNameOnceTheProfileChangeWas() throws Exception {
        // Given a follower whose feed, read a few times, has its posts and its author's name in the cache
        final String alice = user("alice");
        final String bob = user("bob");
        profile(alice, "Alice");
        follow(bob, alice);
        final List<String> posts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            posts.add(publish(alice, "cached " + i));
        }
        await("/api/v1/me/feed", token(bob), page -> postIds(page).containsAll(posts));
        final double hitsBefore = cacheGets("hit");
        platform.get("/api/v1/me/feed", token(bob));
        assertThat(cacheGets("hit")).as("the second read is answered from the cache").isGreaterThan(hitsBefore);

        for (int i = 0; i < posts.size(); i++) {
            // When a post is deleted
            final String deleted = posts.get(i);
            assertThat(platform.delete("/api/v1/posts/" + deleted, token(alice)).statusCode()).isEqualTo(204);

            // Then the very next read, not a later one, is without it: by ID, and in every feed that held it
            assertThat(JSON.readTree(platform.get("/api/v1/posts?ids=" + deleted, token(bob)).body()).get("items"))
                    .isEmpty();
            for (String reader : List.of(bob, alice)) {
                final JsonNode feed = JSON.readTree(platform.get("/api/v1/me/feed", token(reader)).body());
                assertThat(postIds(feed)).as(reader).doesNotContain(deleted)
                        .containsExactlyElementsOf(newestFirst(posts.subList(i + 1, posts.size())));
            }

            // When the author renames themselves, then the next read of the feed has the new name
            profile(alice, "Alice " + i);
            final String renamed = "Alice " + i;
            JSON.readTree(platform.get("/api/v1/me/feed", token(bob)).body()).get("items").forEach(item ->
                    assertThat(item.get("authorDisplayName").asText()).isEqualTo(renamed));
        }

        // Then /metrics shows the cache at work
        final String metrics = platform.metrics().body();
        assertThat(metrics).contains("cache_evictions_total{cache=\"feed_items\"}")
                .contains("eventline_feed_cache_hit_ratio").contains("eventline_feed_cache_bytes");
        assertThat(cacheGets("miss")).isPositive();
    }

    private static List<String> newestFirst(List<String> posted) {
        final List<String> ids = new ArrayList<>(posted);
        Collections.reverse(ids);
        return ids;
    }

    /** The feed cache's hits or misses so far, from {@code /metrics}. */
    private static double cacheGets(String result) throws Exception {
        final String series = "cache_gets_total{cache=\"feed_items\",result=\"" + result + "\"} ";
        return platform.metrics().body().lines().filter(line -> line.startsWith(series))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length()))).sum();
    }

    @Test
    void shouldPageTheFeedWithoutDuplicatesOrGapsWhileNewPostsArrive() throws Exception {
        // Given
        final String alice = user("alice");
        profile(alice, "Alice");
        final List<String> posted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            posted.add(0, publish(alice, "post " + i));
        }

        // When: a new post arrives between the first and the second page
        final List<String> read = new ArrayList<>();
        JsonNode page = JSON.readTree(platform.get("/api/v1/me/feed?limit=2", token(alice)).body());
        read.addAll(postIds(page));
        publish(alice, "arrives while paging");
        while (!page.get("nextCursor").isNull()) {
            page = JSON.readTree(platform.get("/api/v1/me/feed?limit=2&cursor=" + page.get("nextCursor").asText(),
                    token(alice)).body());
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            read.addAll(postIds(page));
        }

        // Then
        assertThat(read).containsExactlyElementsOf(posted);
    }

    @Test
    void shouldListAUsersPostsNewestFirstInPages() throws Exception {
        final String alice = user("alice");
        profile(alice, "Alice");
        final String first = publish(alice, "one");
        final String second = publish(alice, "two");
        final String third = publish(alice, "three");

        final JsonNode page1 = JSON.readTree(platform.get("/api/v1/users/" + alice + "/posts?limit=2",
                token(user("reader"))).body());
        final JsonNode page2 = JSON.readTree(platform.get("/api/v1/users/" + alice + "/posts?limit=2&cursor="
                + page1.get("nextCursor").asText(), token(user("reader"))).body());

        assertThat(postIds(page1)).containsExactly(third, second);
        assertThat(page1.at("/items/0/authorDisplayName").asText()).isEqualTo("Alice");
        assertThat(postIds(page2)).containsExactly(first);
        assertThat(page2.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void shouldReadPostsAndProfilesInBatchesLeavingOutMissingOnes() throws Exception {
        final String alice = user("alice");
        final String bob = user("bob");
        profile(alice, "Alice");
        profile(bob, "Bob");
        final String one = publish(alice, "one");
        final String two = publish(bob, "two");
        final String reader = token(user("reader"));

        final JsonNode posts = JSON.readTree(platform.get("/api/v1/posts?ids=" + two + ",12345," + one + ",x",
                reader).body());
        final JsonNode users = JSON.readTree(platform.get("/api/v1/users?ids=" + alice + "," + user("nobody") + ","
                + bob, reader).body());
        final String tooMany = IntStream.rangeClosed(1, 101).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));

        assertThat(postIds(posts)).containsExactly(two, one);
        assertThat(posts.at("/items/0/authorDisplayName").asText()).isEqualTo("Bob");
        assertThat(posts.at("/items/1/authorDisplayName").asText()).isEqualTo("Alice");
        assertThat(users.get("items")).extracting(item -> item.get("displayName").asText())
                .containsExactly("Alice", "Bob");
        assertThat(platform.get("/api/v1/posts?ids=" + tooMany, reader).statusCode()).isEqualTo(400);
        assertThat(platform.get("/api/v1/users", reader).statusCode()).isEqualTo(400);
    }

    @Test
    void shouldAnswerAClientThatSendsForwardingHeadersAsAnyClientAndRefuseItTheInternalPath() throws Exception {
        // Given: two profiles, and a client that claims its request was forwarded by an instance
        final String alice = user("alice");
        final String bob = user("bob");
        profile(alice, "Alice");
        profile(bob, "Bob");
        final String reader = token(user("reader"));
        final Map<String, String> claimsForwarded = Map.of("Eventline-Forwarded", "true",
                "Eventline-Allow-Stale", "true");

        // When: it asks the public batch route, and then the internal one with its own token
        final HttpResponse<String> batch = platform.send("GET", "/api/v1/users?ids=" + alice + "," + bob, reader,
                null, claimsForwarded);
        final HttpResponse<String> internal = platform.send("GET", "/internal/api/v1/users?ids=" + alice, reader,
                null, claimsForwarded);

        // Then: the public route reads the comma-separated list as from any client, with no stale answers, and
        // the internal route wants an instance's signature
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        assertThat(batch.headers().firstValue("Eventline-Stale")).isEmpty();
        assertThat(JSON.readTree(batch.body()).get("items")).extracting(item -> item.get("displayName").asText())
                .containsExactly("Alice", "Bob");
        assertThat(internal.statusCode()).as(internal.body()).isEqualTo(401);
    }

    @Test
    void shouldRejectInvalidPostsWith400ProblemsAndPointers() throws Exception {
        final String alice = token(user("alice"));

        for (String text : List.of("x".repeat(5001), "", "  \n ")) {
            final HttpResponse<String> response = platform.post("/api/v1/posts", alice,
                    JSON.createObjectNode().put("text", text).toString());
            assertThat(response.statusCode()).as("%d characters", text.length()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(JSON.readTree(response.body()).at("/errors/0/pointer").asText()).isEqualTo("/text");
        }
        assertThat(platform.post("/api/v1/posts", alice, "{not json").statusCode()).isEqualTo(400);
        assertThat(platform.post("/api/v1/posts", alice, "{\"text\":7}").statusCode()).isEqualTo(400);
        assertThat(platform.put("/api/v1/me/profile", alice, "[]").statusCode()).isEqualTo(400);
    }

    @Test
    void shouldRejectBadCursorsLimitsAndIdsAndRequireAToken() throws Exception {
        final String alice = token(user("alice"));

        assertThat(platform.get("/api/v1/me/feed?cursor=bogus!", alice).statusCode()).isEqualTo(400);
        assertThat(platform.get("/api/v1/me/feed?cursor=YWJj", alice).statusCode()).isEqualTo(400);
        assertThat(platform.get("/api/v1/me/feed?limit=0", alice).statusCode()).isEqualTo(400);
        assertThat(platform.get("/api/v1/me/feed?limit=101", alice).statusCode()).isEqualTo(400);
        assertThat(platform.get("/api/v1/me/feed?limit=ten", alice).statusCode()).isEqualTo(400);
        assertThat(platform.get("/api/v1/users/someone/followers?cursor=***", alice).statusCode()).isEqualTo(400);
        assertThat(platform.get("/api/v1/posts/not-a-number", alice).statusCode()).isEqualTo(404);
        assertThat(platform.delete("/api/v1/posts/-5", alice).statusCode()).isEqualTo(404);
        for (HttpResponse<String> anonymous : List.of(platform.get("/api/v1/me/feed", null),
                platform.post("/api/v1/posts", null, "{\"text\":\"hi\"}"),
                platform.put("/api/v1/me/following/someone", null, null))) {
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        }
    }

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String token(String userId) {
        return platform.token(userId);
    }

    private static void profile(String userId, String displayName) throws Exception {
        final HttpResponse<String> response = platform.put("/api/v1/me/profile", token(userId),
                JSON.createObjectNode().put("displayName", displayName).toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static void follow(String follower, String followee) throws Exception {
        final HttpResponse<String> response = platform.put("/api/v1/me/following/" + followee, token(follower),
                null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    private static String publish(String author, String text) throws Exception {
        final HttpResponse<String> response = platform.post("/api/v1/posts", token(author),
                JSON.createObjectNode().put("text", text).toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).get("postId").asText();
    }

    private static List<String> postIds(JsonNode page) {
        final List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("postId").asText()));
        return ids;
    }

    /** Polls {@code path} until its JSON answer satisfies {@code done} or the delivery deadline passes. */
    private static JsonNode await(String path, String token, Predicate<JsonNode> done) throws Exception {
        return platform.awaitJson(path, token, done, DELIVERY_DEADLINE);
    }
}

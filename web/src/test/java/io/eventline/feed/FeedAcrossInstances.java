package io.eventline.feed;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.platform.EventlineProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The feed across two instances in separate processes: every user's feed reads the same at either instance,
 * whichever owns the user's feed, the posts in it and their authors' profiles; the reading instance forwards the
 * feed once and fetches posts and names with one request per owning instance. Run by the two-instance test,
 * which starts the instances once for every domain it checks.
 */
public final class FeedAcrossInstances {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Users per instance whose feed partition that instance owns. */
    private static final int USERS_PER_INSTANCE = 4;
    private static final int POSTS_PER_USER = 2;
    private static final int CANDIDATES = 48;
    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(45);
    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(30);

    private final JwtAuth auth;

    public FeedAcrossInstances(JwtAuth auth) {
        this.auth = auth;
    }

    /** Checks that both instances, sharing one application, answer every feed the same. */
    public void verify(EventlineProcess a, EventlineProcess b) throws Exception {
        // Given: users whose feeds each instance owns
        final List<String> users = usersWithFeedsOwnedByEach(a, b);

        // Given: profiles, follows and posts, all written through A
        final Map<String, String> names = new HashMap<>();
        for (String user : users) {
            names.put(user, "Name of " + user);
            write(a, "PUT", "/api/v1/me/profile", user,
                    JSON.createObjectNode().put("displayName", names.get(user)).toString(), 200);
        }
        final Map<String, List<String>> followees = new LinkedHashMap<>();
        for (int i = 0; i < users.size(); i++) {
            final List<String> followed = List.of(users.get((i + 1) % users.size()),
                    users.get((i + USERS_PER_INSTANCE + 1) % users.size()));
            followees.put(users.get(i), followed);
            for (String followee : followed) {
                write(a, "PUT", "/api/v1/me/following/" + followee, users.get(i), null, 204);
            }
        }
        final Map<String, List<JsonNode>> postsByAuthor = new HashMap<>();
        for (int round = 0; round < POSTS_PER_USER; round++) {
            for (String user : users) {
                final JsonNode post = JSON.readTree(write(a, "POST", "/api/v1/posts", user,
                        JSON.createObjectNode().put("text", "post " + round + " by " + user).toString(), 201).body());
                postsByAuthor.computeIfAbsent(user, u -> new ArrayList<>()).add(post);
            }
        }

        // When / Then: each feed holds the user's own and followees' posts, newest first, read the same at A and B
        for (String user : users) {
            final List<JsonNode> expected = new ArrayList<>(postsByAuthor.get(user));
            followees.get(user).forEach(followee -> expected.addAll(postsByAuthor.get(followee)));
            expected.sort(Comparator.comparing((JsonNode post) -> Long.parseLong(post.get("postId").asText()))
                    .reversed());
            final JsonNode atA = awaitFeed(a, user, expected);
            final JsonNode atB = awaitFeed(b, user, expected);
            assertThat(atB).as("%s's feed at B", user).isEqualTo(atA);
            atA.get("items").forEach(item -> assertThat(item.get("authorDisplayName").asText())
                    .isEqualTo(names.get(item.get("authorId").asText())));
        }

        // Then: one batch read of every post answers the same at A and B, names included
        final List<JsonNode> allPosts = postsByAuthor.values().stream().flatMap(List::stream).toList();
        final String ids = allPosts.stream().map(post -> post.get("postId").asText())
                .collect(Collectors.joining(","));
        final String reader = bearer(users.get(0));
        final HttpResponse<String> batchA = a.get("/api/v1/posts?ids=" + ids, "Authorization", reader);
        final HttpResponse<String> batchB = b.get("/api/v1/posts?ids=" + ids, "Authorization", reader);
        assertThat(batchA.statusCode()).as(batchA.body()).isEqualTo(200);
        assertThat(JSON.readTree(batchA.body()).get("items")).containsExactlyElementsOf(allPosts);
        assertThat(JSON.readTree(batchB.body())).isEqualTo(JSON.readTree(batchA.body()));

        // Then: a feed A owns, holding posts and authors B owns, costs B one post lookup and one profile lookup
        final Set<String> postsAtB = new HashSet<>();
        for (JsonNode post : allPosts) {
            if (ownsPost(b, post.get("postId").asText(), users.get(0))) {
                postsAtB.add(post.get("postId").asText());
            }
        }
        if (postsAtB.isEmpty() || postsAtB.size() == allPosts.size()) {
            // the default assignor balances the count of tasks per instance, not each store's: now and then one
            // instance holds every partition of the posts, and no feed crosses instances for its posts
            System.out.printf("posts stored at B: %d of %d; the lookups across instances are not checked this time%n",
                    postsAtB.size(), allPosts.size());
            return;
        }
        final String readerAtA = IntStream.range(0, users.size()).filter(i -> i % 2 == 0).mapToObj(users::get)
                .filter(user -> feedPostIds(followees.get(user), postsByAuthor).stream().anyMatch(postsAtB::contains))
                .findFirst().orElseThrow();
        final double postLookupsBefore = requestCount(b, FeedReads.POSTS_PATH);
        final double profileLookupsBefore = requestCount(b, FeedReads.USERS_PATH);
        assertThat(a.get("/api/v1/me/feed", "Authorization", bearer(readerAtA)).statusCode()).isEqualTo(200);
        assertThat(requestCountOnceAbove(b, FeedReads.POSTS_PATH, postLookupsBefore) - postLookupsBefore)
                .isEqualTo(1.0);
        assertThat(requestCountOnceAbove(b, FeedReads.USERS_PATH, profileLookupsBefore) - profileLookupsBefore)
                .isEqualTo(1.0);

        // When: that post, which B has cached since answering A, is deleted through B and its author renamed
        final String gone = feedPostIds(followees.get(readerAtA), postsByAuthor).stream()
                .filter(postsAtB::contains).findFirst().orElseThrow();
        final String author = postsByAuthor.entrySet().stream()
                .filter(entry -> entry.getValue().stream().anyMatch(post -> post.get("postId").asText().equals(gone)))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        write(b, "DELETE", "/api/v1/posts/" + gone, author, null, 204);
        write(b, "PUT", "/api/v1/me/profile", author,
                JSON.createObjectNode().put("displayName", "Renamed " + author).toString(), 200);

        // Then: the very next read of the feed, at either instance, shows neither the post nor the old name
        for (EventlineProcess instance : List.of(a, b)) {
            final HttpResponse<String> read = instance.get("/api/v1/me/feed", "Authorization", bearer(readerAtA));
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            final JsonNode feed = JSON.readTree(read.body());
            feed.get("items").forEach(item -> {
                assertThat(item.get("postId").asText()).isNotEqualTo(gone);
                if (item.get("authorId").asText().equals(author)) {
                    assertThat(item.get("authorDisplayName").asText()).isEqualTo("Renamed " + author);
                }
            });
            assertThat(feed.get("items")).as("the rest of the feed").isNotEmpty();
        }
    }

    /** The count once it exceeds {@code before}: a request is counted just after its answer is sent. */
    private double requestCountOnceAbove(EventlineProcess instance, String route, double before)
            throws Exception {
        return eventually(Duration.ofSeconds(2), Duration.ofMillis(50), () -> requestCount(instance, route),
                count -> count > before);
    }

    private static List<String> feedPostIds(List<String> followees, Map<String, List<JsonNode>> postsByAuthor) {
        return followees.stream().flatMap(followee -> postsByAuthor.get(followee).stream())
                .map(post -> post.get("postId").asText()).toList();
    }

    private boolean ownsPost(EventlineProcess instance, String postId, String user) throws Exception {
        return instance.getInternal("/api/v1/posts/" + postId, user, false).statusCode() == 200;
    }

    /**
     * How many GET requests other instances made of {@code route}'s internal twin that the instance answered with
     * 200, from its Prometheus metrics.
     */
    private double requestCount(EventlineProcess instance, String route) throws Exception {
        final String labels = "route=\"" + InternalCalls.PREFIX + route + "\"";
        final String admin = "Bearer " + auth.issue("ops", Set.of(Principal.ADMIN), Duration.ofMinutes(5));
        return instance.get("/metrics", "Authorization", admin).body().lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{"))
                .filter(line -> line.contains(labels) && line.contains("method=\"GET\"")
                        && line.contains("status=\"200\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /**
     * Waits until ownership settles and returns {@value #USERS_PER_INSTANCE} users whose feed partition A owns
     * and as many that B owns, alternately, starting with one of A's. A request marked as already forwarded is
     * answered only by the owner of the key (anyone else says 503), which reveals ownership without any
     * test-only endpoint.
     */
    private List<String> usersWithFeedsOwnedByEach(EventlineProcess a, EventlineProcess b) throws Exception {
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final Sharing sharing = eventually(SETTLE_DEADLINE, Duration.ofMillis(500), () -> {
            final List<String> ownedByA = new ArrayList<>();
            final List<String> ownedByB = new ArrayList<>();
            String problem = null;
            for (int i = 0; i < CANDIDATES && problem == null; i++) {
                final String user = "feed-" + run + "-" + i;
                final boolean atA = ownsFeed(a, user);
                final boolean atB = ownsFeed(b, user);
                if (atA == atB) {
                    problem = user + (atA ? " is owned by both" : " is owned by neither");
                } else {
                    (atA ? ownedByA : ownedByB).add(user);
                }
            }
            if (problem == null && ownedByA.size() >= USERS_PER_INSTANCE && ownedByB.size() >= USERS_PER_INSTANCE) {
                final List<String> users = new ArrayList<>();
                for (int i = 0; i < USERS_PER_INSTANCE; i++) {
                    users.add(ownedByA.get(i));
                    users.add(ownedByB.get(i));
                }
                return new Sharing(users, null);
            }
            if (problem == null) {
                problem = "A owns " + ownedByA.size() + " and B " + ownedByB.size() + " of " + CANDIDATES + " feeds";
            }
            return new Sharing(List.of(), problem);
        }, settled -> settled.problem() == null);
        if (sharing.problem() != null) {
            throw new AssertionError("the two instances did not settle on sharing the feeds within "
                    + SETTLE_DEADLINE + ": " + sharing.problem());
        }
        return sharing.users();
    }

    /** Users alternately owned by A and B, or why the instances do not share the feeds yet. */
    private record Sharing(List<String> users, String problem) {
    }

    private boolean ownsFeed(EventlineProcess instance, String user) throws Exception {
        return instance.getInternal("/api/v1/me/feed", user, false).statusCode() == 200;
    }

    /**
     * A write through {@code via}, repeated while nothing was stored (503) or, for the idempotent PUTs, while the
     * outcome came late (202); a post is never sent twice.
     */
    private HttpResponse<String> write(EventlineProcess via, String method, String path, String user, String json,
                                       int expectedStatus) throws Exception {
        final boolean idempotent = "PUT".equals(method);
        final HttpResponse<String> response = eventually(SETTLE_DEADLINE, Duration.ofMillis(250),
                () -> via.send(method, path, token(user), json),
                answer -> !(answer.statusCode() == 503 || idempotent && answer.statusCode() == 202));
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expectedStatus);
        return response;
    }

    private JsonNode awaitFeed(EventlineProcess instance, String user, List<JsonNode> expected) throws Exception {
        final HttpResponse<String> response = eventually(DELIVERY_DEADLINE, Duration.ofMillis(200),
                () -> instance.get("/api/v1/me/feed", "Authorization", bearer(user)),
                answer -> answer.statusCode() == 200
                        && sameIdsTextsAndAuthors(JSON.readTree(answer.body()).get("items"), expected));
        if (response.statusCode() == 200) {
            final JsonNode feed = JSON.readTree(response.body());
            if (sameIdsTextsAndAuthors(feed.get("items"), expected)) {
                assertThat(feed.get("nextCursor").isNull()).isTrue();
                return feed;
            }
        }
        throw new AssertionError(instance.name() + " did not show the expected feed of " + user + " within "
                + DELIVERY_DEADLINE + "; expected " + expected + ", last answer: " + response.statusCode() + " "
                + response.body());
    }

    private static boolean sameIdsTextsAndAuthors(JsonNode items, List<JsonNode> expected) {
        if (items.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            for (String field : Set.of("postId", "text", "authorId", "authorDisplayName", "createdAt")) {
                if (!expected.get(i).get(field).equals(items.get(i).get(field))) {
                    return false;
                }
            }
        }
        return true;
    }

    private String token(String user) {
        return auth.issue(user, Set.of(), Duration.ofHours(1));
    }

    private String bearer(String user) {
        return "Bearer " + token(user);
    }
}

package io.eventline.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.auth.Users;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.eventline.http.JsonBodies;
import io.eventline.http.ProblemException;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.WriteGateway;
import io.eventline.platform.RouteServices;
import io.eventline.clients.EventProducer;
import io.eventline.query.BatchLookup;
import io.eventline.query.LocalStores;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The news feed's HTTP API: profiles, follows, posts, and each user's feed. */
public final class FeedRoutes {
    /** A feed read tells the stream that its reader is active at most this often. */
    private static final String TAG = "feed";

    private final WriteGateway writes;
    private final QueryRouter router;
    private final BatchLookup batches;
    private final FeedReads reads;
    private final ActivityReports activity;
    private final SnowflakeIdGenerator ids;
    private final JsonBodies bodies;
    private final ObjectMapper json;
    private final Clock clock;

    private final FeedItemCache cache;

    /** @param cache the posts and names of this instance's partitions, kept exact by the feed's processors */
    public FeedRoutes(RouteServices services, FeedItemCache cache) {
        this.writes = services.writes();
        this.router = services.router();
        this.batches = new BatchLookup(router, services.json());
        this.cache = cache;
        this.reads = new FeedReads(batches, cache);
        this.activity = new ActivityReports(services.producer(), services.ids(), services.clock());
        this.ids = services.ids();
        this.bodies = new JsonBodies(services.json());
        this.json = services.json();
        this.clock = services.clock();
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.api(HandlerType.PUT, "/api/v1/me/profile", TAG, "Set the caller's display name",
                        this::updateProfile).body(FeedSchemas.PROFILE_UPDATE)
                        .answers(200, "The profile", FeedSchemas.PROFILE)
                        .mayPend(),
                ApiRoute.api(HandlerType.GET, FeedReads.USERS_PATH, TAG,
                        "Profiles of up to 100 users (?ids=a,b); users without a profile are left out",
                        this::profiles).query(BatchLookup.IDS_PARAMETER, "User IDs, comma-separated",
                                JsonSchema.string(8192)).answers(200, "The profiles found", FeedSchemas.PROFILES),
                ApiRoute.api(HandlerType.GET, "/api/v1/users/{id}", TAG, "A user's profile and counts",
                        this::profile).answers(200, "The profile", FeedSchemas.PROFILE),
                ApiRoute.api(HandlerType.GET, "/api/v1/users/{id}/followers", TAG, "Who follows a user, in pages",
                        ctx -> followList(ctx, FeedStores.FOLLOWERS)).paged()
                        .answers(200, "A page of users", JsonSchema.page(FeedSchemas.USER)),
                ApiRoute.api(HandlerType.GET, "/api/v1/users/{id}/following", TAG, "Whom a user follows, in pages",
                        ctx -> followList(ctx, FeedStores.FOLLOWING)).paged()
                        .answers(200, "A page of users", JsonSchema.page(FeedSchemas.USER)),
                ApiRoute.api(HandlerType.GET, "/api/v1/users/{id}/posts", TAG, "A user's posts, newest first",
                        this::authorPosts).paged()
                        .answers(200, "A page of posts", JsonSchema.page(FeedSchemas.POST)),
                ApiRoute.api(HandlerType.PUT, "/api/v1/me/following/{userId}", TAG,
                        "Follow a user (204; idempotent)", ctx -> changeFollow(ctx, true))
                        .answersEmpty(204, "Following").mayPend(),
                ApiRoute.api(HandlerType.DELETE, "/api/v1/me/following/{userId}", TAG,
                        "Unfollow a user (204; idempotent)", ctx -> changeFollow(ctx, false))
                        .answersEmpty(204, "Not following").mayPend(),
                ApiRoute.api(HandlerType.POST, FeedReads.POSTS_PATH, TAG, "Publish a text post (201)",
                        this::publish).body(FeedSchemas.NEW_POST).answers(201, "The post", FeedSchemas.POST)
                        .mayPend(),
                ApiRoute.api(HandlerType.GET, FeedReads.POSTS_PATH, TAG,
                        "Posts of up to 100 IDs (?ids=1,2); missing or deleted ones are left out", this::posts)
                        .query(BatchLookup.IDS_PARAMETER, "Post IDs, comma-separated", JsonSchema.string(8192))
                        .answers(200, "The posts found", FeedSchemas.POSTS),
                ApiRoute.api(HandlerType.GET, "/api/v1/posts/{id}", TAG, "One post", this::post)
                        .answers(200, "The post", FeedSchemas.POST),
                ApiRoute.api(HandlerType.DELETE, "/api/v1/posts/{id}", TAG, "Delete a post (its author only)",
                        this::deletePost).answersEmpty(204, "Deleted")
                        .mayPend(),
                ApiRoute.api(HandlerType.GET, "/api/v1/me/feed", TAG,
                        "The caller's feed: posts of followed users and their own, newest first", this::feed)
                        .paged().answers(200, "A page of posts", JsonSchema.page(FeedSchemas.POST)));
    }

    private void updateProfile(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final String displayName = FeedRequests.displayName(bodies.object(ctx));
        final String eventId = ids.nextIdString();
        writes.submit(ctx, FeedTopics.PROFILES, eventId, caller.userId(), ProfileUpdated.newBuilder()
                .setEventId(eventId).setTimestamp(clock.instant()).setUserId(caller.userId())
                .setDisplayName(displayName).build());
    }

    private void changeFollow(Context ctx, boolean follow) {
        final Principal caller = JwtAuth.principal(ctx);
        final String followee = ctx.pathParam("userId");
        if (!Users.isValidId(followee)) {
            throw ProblemException.notFound("no user " + followee);
        }
        if (followee.equals(caller.userId())) {
            throw ProblemException.badRequest("a user cannot follow themselves", List.of());
        }
        final String eventId = ids.nextIdString();
        writes.submit(ctx, FeedTopics.FOLLOWS, eventId, caller.userId(), FollowRequested.newBuilder()
                .setEventId(eventId).setTimestamp(clock.instant()).setFollowerId(caller.userId())
                .setFolloweeId(followee).setFollow(follow).build());
    }

    private void publish(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final String text = FeedRequests.postText(bodies.object(ctx));
        // the post's ID is its event's ID: a retried event cannot create a second post
        final long postId = ids.nextId();
        final String eventId = Long.toString(postId);
        writes.submit(ctx, FeedTopics.POSTS, eventId, caller.userId(), PostPublished.newBuilder()
                .setEventId(eventId).setTimestamp(clock.instant()).setPostId(postId).setAuthorId(caller.userId())
                .setText(text).build(), FeedReads.POSTS_PATH + "/" + postId);
    }

    private void deletePost(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final long postId = postIdOf(ctx);
        final String eventId = ids.nextIdString();
        writes.submit(ctx, FeedTopics.POST_DELETES, eventId, caller.userId(), PostDeleteRequested.newBuilder()
                .setEventId(eventId).setTimestamp(clock.instant()).setPostId(postId)
                .setRequesterId(caller.userId()).build());
    }

    private void profile(Context ctx) throws Exception {
        final String userId = ctx.pathParam("id");
        if (!Users.isValidId(userId)) {
            throw ProblemException.notFound("no user " + userId);
        }
        router.answer(ctx, FeedStores.USERS, userId, (c, stores) -> {
            final JsonNode profile = FeedReads.storedProfile(stores, userId);
            if (profile == null) {
                throw ProblemException.notFound("no user " + userId);
            }
            c.contentType("application/json").result(profile.toString());
        });
    }

    /** Followers ({@code FOLLOWERS}, on the followee's partition) or followees ({@code FOLLOWING}). */
    private void followList(Context ctx, String storeName) throws Exception {
        final String userId = ctx.pathParam("id");
        final int limit = JsonBodies.limit(ctx);
        final String after = FeedCursors.userId(ctx.queryParam("cursor"));
        if (!Users.isValidId(userId)) {
            throw ProblemException.notFound("no user " + userId);
        }
        router.answer(ctx, storeName, userId, (c, stores) -> {
            final ReadOnlyKeyValueStore<String, Object> edges = stores.keyValue(storeName);
            // the smallest key after the cursor's: user IDs hold no control characters
            final String from = after == null ? FeedKeys.prefix(userId) : FeedKeys.pair(userId, after) + '\u0000';
            final List<String> others = new ArrayList<>();
            boolean more = false;
            try (KeyValueIterator<String, Object> range = edges.range(from, FeedKeys.end(userId))) {
                while (range.hasNext()) {
                    final String other = FeedKeys.otherOf(range.next().key, userId);
                    if (others.size() == limit) {
                        more = true;
                        break;
                    }
                    others.add(other);
                }
            }
            final Map<String, String> names = reads.displayNames(c, others);
            final ObjectNode page = json.createObjectNode();
            final ArrayNode items = page.putArray("items");
            others.forEach(other -> items.addObject().put("id", other).put("displayName", names.get(other)));
            page.put("nextCursor", more ? FeedCursors.ofUser(others.get(others.size() - 1)) : null);
            c.contentType("application/json").result(page.toString());
        });
    }

    private void authorPosts(Context ctx) throws Exception {
        final String authorId = ctx.pathParam("id");
        final int limit = JsonBodies.limit(ctx);
        final Long cursor = FeedCursors.postId(ctx.queryParam("cursor"));
        if (!Users.isValidId(authorId)) {
            throw ProblemException.notFound("no user " + authorId);
        }
        router.answer(ctx, FeedStores.AUTHOR_POSTS, authorId, (c, stores) -> {
            final ReadOnlyKeyValueStore<String, Long> byAuthor = stores.keyValue(FeedStores.AUTHOR_POSTS);
            final FeedReads.PostIds list = (before, count) -> {
                final List<Long> postIds = new ArrayList<>();
                final String from = before == null ? FeedKeys.prefix(authorId)
                        : FeedKeys.olderThan(authorId, before);
                try (KeyValueIterator<String, Long> range = byAuthor.range(from, FeedKeys.end(authorId))) {
                    while (postIds.size() < count && range.hasNext()) {
                        postIds.add(FeedKeys.postIdOf(range.next().key));
                    }
                }
                return postIds;
            };
            respondJson(c, reads.page(c, list, cursor, limit).json());
        });
    }

    private void feed(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final int limit = JsonBodies.limit(ctx);
        final Long cursor = FeedCursors.postId(ctx.queryParam("cursor"));
        final String userId = caller.userId();
        router.answer(ctx, FeedStores.FEED, userId, (c, stores) -> {
            reportActivity(stores, userId);
            final FeedQuery query = new FeedQuery(stores.keyValue(FeedStores.FEED),
                    stores.keyValue(FeedStores.FOLLOWED_CELEBRITIES), stores.keyValue(FeedStores.FOLLOWING),
                    stores.globalKeyValue(FeedStores.CELEBRITY_POSTS));
            final FeedReads.PostIds list = (before, count) ->
                    query.page(userId, before, count).stream().map(FeedQuery.Entry::postId).toList();
            respondJson(c, reads.page(c, list, cursor, limit).json());
        });
    }

    private void reportActivity(LocalStores stores, String userId) {
        if (!activity.reportedLately(userId)) {
            activity.reportIfDue(userId, stores.<String, UserState>keyValue(FeedStores.USERS).get(userId));
        }
    }

    private void post(Context ctx) throws Exception {
        final long postId = postIdOf(ctx);
        router.answer(ctx, FeedStores.POSTS, Long.toString(postId), (c, stores) -> {
            final JsonNode stored = FeedReads.storedPost(stores, Long.toString(postId));
            if (stored == null) {
                throw ProblemException.notFound("no post " + postId);
            }
            final ObjectNode post = stored.deepCopy();
            final String authorId = post.path("authorId").asText();
            post.put("authorDisplayName", reads.displayNames(c, List.of(authorId)).get(authorId));
            c.contentType("application/json").result(post.toString());
        });
    }

    /** The batch read of posts; a forwarded request is answered from this instance's stores, without names. */
    private void posts(Context ctx) throws Exception {
        final List<Long> postIds = new ArrayList<>();
        for (String key : BatchLookup.keys(ctx)) {
            FeedRequests.postId(key).ifPresent(postIds::add);
        }
        if (BatchLookup.isForwarded(ctx)) {
            final Map<String, EncodedPost> found = batches.lookupLocally(FeedStores.POSTS,
                    postIds.stream().map(id -> Long.toString(id)).toList(),
                    (stores, postId) -> FeedReads.cachedPost(cache, stores, postId));
            respondJson(ctx, FeedReads.itemsOnly(postIds.stream().map(id -> found.get(Long.toString(id)))
                    .filter(p -> p != null).toList(), Map.of()));
        } else {
            respondJson(ctx, reads.posts(ctx, postIds, true));
        }
    }

    /** The batch read of profiles; a forwarded request is answered from this instance's stores. */
    private void profiles(Context ctx) throws Exception {
        final List<String> userIds = BatchLookup.keys(ctx).stream().filter(Users::isValidId).toList();
        final Map<String, JsonNode> found = BatchLookup.isForwarded(ctx)
                ? batches.lookupLocally(FeedStores.USERS, userIds, FeedReads::storedProfile)
                : reads.profiles(ctx, userIds);
        respondItems(ctx, userIds.stream().map(found::get).filter(p -> p != null).toList());
    }

    private void respondItems(Context ctx, List<? extends JsonNode> found) {
        final ObjectNode body = json.createObjectNode();
        body.putArray("items").addAll(found);
        ctx.contentType("application/json").result(body.toString());
    }

    private static void respondJson(Context ctx, byte[] body) {
        ctx.contentType("application/json").result(body);
    }

    private static long postIdOf(Context ctx) {
        final String raw = ctx.pathParam("id");
        final OptionalLong postId = FeedRequests.postId(raw);
        if (postId.isEmpty()) {
            throw ProblemException.notFound("no post " + raw);
        }
        return postId.getAsLong();
    }
}

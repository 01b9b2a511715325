package io.eventline.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.query.BatchLookup;
import io.eventline.query.LocalStores;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns post IDs and user IDs into the JSON the API returns, reading posts and profiles from whichever instances
 * own them, one request per instance. A post ID whose post is gone was deleted and is left out.
 */
final class FeedReads {
    static final String POSTS_PATH = "/api/v1/posts";
    static final String USERS_PATH = "/api/v1/users";
    /** Rounds of reading further entries to fill a page that deleted posts left short. */
    private static final int MAX_ROUNDS = 4;
    private static final BatchLookup.Remote POSTS = new BatchLookup.Remote(POSTS_PATH, "postId");
    private static final BatchLookup.Remote USERS = new BatchLookup.Remote(USERS_PATH, "id");

    private final Lookup lookup;

    FeedReads(BatchLookup batches) {
        this((ctx, storeName, keys) -> FeedStores.POSTS.equals(storeName)
                ? batches.lookup(ctx, storeName, keys, POSTS, FeedReads::storedPost)
                : batches.lookup(ctx, storeName, keys, USERS, FeedReads::storedProfile));
    }

    FeedReads(Lookup lookup) {
        this.lookup = lookup;
    }

    /** Reads the items of {@link FeedStores#POSTS} or {@link FeedStores#USERS} by key, wherever they are. */
    @FunctionalInterface
    interface Lookup {
        Map<String, JsonNode> find(Context ctx, String storeName, Collection<String> keys) throws Exception;
    }

    /** Post IDs of one list, newest first. */
    @FunctionalInterface
    interface PostIds {
        /** Up to {@code count} IDs older than {@code cursor} (from the newest when null). */
        List<Long> olderThan(Long cursor, int count);
    }

    /** One page of posts and the cursor of the next page, null when there is none. */
    record Page(List<ObjectNode> items, Long nextCursor) {
    }

    /** A post as this instance stores it, without its author's name; null when there is none. */
    static JsonNode storedPost(LocalStores stores, String postId) {
        final Post post = stores.<String, Post>keyValue(FeedStores.POSTS).get(postId);
        return post == null ? null : FeedJson.post(post, null);
    }

    /** A profile as this instance stores it; null for a user without one. */
    static JsonNode storedProfile(LocalStores stores, String userId) {
        final UserState user = stores.<String, UserState>keyValue(FeedStores.USERS).get(userId);
        return user == null || user.getDisplayName() == null ? null : FeedJson.profile(user);
    }

    /** Up to {@code limit} posts of {@code list} after {@code cursor}, with their authors' current names. */
    Page page(Context ctx, PostIds list, Long cursor, int limit) throws Exception {
        final List<ObjectNode> items = new ArrayList<>();
        Long position = cursor;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            // one entry more than the page needs tells whether another page follows
            final int wanted = limit - items.size() + 1;
            final List<Long> ids = list.olderThan(position, wanted);
            final Map<String, JsonNode> posts = posts(ctx, ids);
            for (Long id : ids) {
                final JsonNode post = posts.get(Long.toString(id));
                if (post == null) {
                    continue;
                }
                if (items.size() == limit) {
                    return new Page(withAuthorNames(ctx, items), lastPostId(items));
                }
                items.add(post.deepCopy());
            }
            if (ids.size() < wanted) {
                return new Page(withAuthorNames(ctx, items), null);
            }
            position = ids.get(ids.size() - 1);
        }
        // a long run of deleted posts: the client carries on from where this page stopped reading
        return new Page(withAuthorNames(ctx, items), position);
    }

    /** The posts of {@code ids} that exist, in that order, with their authors' current names. */
    List<ObjectNode> posts(Context ctx, List<Long> ids, boolean withNames) throws Exception {
        final Map<String, JsonNode> posts = posts(ctx, ids);
        final List<ObjectNode> items = new ArrayList<>();
        for (Long id : ids) {
            final JsonNode post = posts.get(Long.toString(id));
            if (post != null) {
                items.add(post.deepCopy());
            }
        }
        return withNames ? withAuthorNames(ctx, items) : items;
    }

    /** The profiles of the users of {@code userIds} that have one, by user ID. */
    Map<String, JsonNode> profiles(Context ctx, Collection<String> userIds) throws Exception {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        return lookup.find(ctx, FeedStores.USERS, userIds);
    }

    /** The display names of {@code userIds}; a user without a profile has none. */
    Map<String, String> displayNames(Context ctx, Collection<String> userIds) throws Exception {
        final Map<String, String> names = new HashMap<>();
        profiles(ctx, userIds).forEach((id, profile) -> {
            final JsonNode name = profile.get("displayName");
            if (name != null && name.isTextual()) {
                names.put(id, name.textValue());
            }
        });
        return names;
    }

    private Map<String, JsonNode> posts(Context ctx, List<Long> ids) throws Exception {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return lookup.find(ctx, FeedStores.POSTS, ids.stream().map(id -> Long.toString(id)).toList());
    }

    private List<ObjectNode> withAuthorNames(Context ctx, List<ObjectNode> posts) throws Exception {
        final Set<String> authors = new LinkedHashSet<>();
        posts.forEach(post -> authors.add(post.path("authorId").asText()));
        final Map<String, String> names = displayNames(ctx, authors);
        posts.forEach(post -> post.put("authorDisplayName", names.get(post.path("authorId").asText())));
        return posts;
    }

    private static Long lastPostId(List<ObjectNode> items) {
        return Long.parseLong(items.get(items.size() - 1).path("postId").asText());
    }
}

package io.eventline.feed;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.query.BatchLookup;
import io.eventline.query.LocalStores;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns post IDs and user IDs into the JSON the API returns, reading posts and profiles from whichever instances
 * own them, one internal request per other instance. Posts and names this instance owns come from its
 * {@link FeedItemCache}, already encoded, so a page is written by copying bytes. A post ID whose post is gone
 * was deleted and is left out.
 */
final class FeedReads {
    static final String POSTS_PATH = "/api/v1/posts";
    static final String USERS_PATH = "/api/v1/users";
    /** Rounds of reading further entries to fill a page that deleted posts left short. */
    private static final int MAX_ROUNDS = 4;
    private static final BatchLookup.Remote POSTS = new BatchLookup.Remote(POSTS_PATH, "postId");
    private static final BatchLookup.Remote USERS = new BatchLookup.Remote(USERS_PATH, "id");
    private static final byte[] NO_NAME = FeedItemCache.encodedName(null);

    private final Lookup lookup;

    FeedReads(BatchLookup batches, FeedItemCache cache) {
        this(new Lookup() {
            @Override
            public Map<String, EncodedPost> posts(Context ctx, Collection<String> postIds) throws Exception {
                return batches.lookup(ctx, FeedStores.POSTS, postIds, POSTS,
                        (stores, postId) -> cachedPost(cache, stores, postId), EncodedPost::of);
            }

            @Override
            public Map<String, JsonNode> profiles(Context ctx, Collection<String> userIds) throws Exception {
                return batches.lookup(ctx, FeedStores.USERS, userIds, USERS, FeedReads::storedProfile);
            }

            @Override
            public Map<String, byte[]> names(Context ctx, Collection<String> userIds) throws Exception {
                return batches.lookup(ctx, FeedStores.USERS, userIds, USERS,
                        (stores, userId) -> cache.displayName(userId, id -> storedName(stores, id)),
                        profile -> FeedItemCache.encodedName(profile.path("displayName").textValue()));
            }
        });
    }

    FeedReads(Lookup lookup) {
        this.lookup = lookup;
    }

    /** Reads posts and profiles by key, wherever they are. */
    interface Lookup {
        /** The posts of {@code postIds} that exist, by post ID. */
        Map<String, EncodedPost> posts(Context ctx, Collection<String> postIds) throws Exception;

        /** The profiles of {@code userIds} that have one, by user ID. */
        Map<String, JsonNode> profiles(Context ctx, Collection<String> userIds) throws Exception;

        /** The display names of {@code userIds} as JSON values; a user without a profile may be left out. */
        Map<String, byte[]> names(Context ctx, Collection<String> userIds) throws Exception;
    }

    /** Post IDs of one list, newest first. */
    @FunctionalInterface
    interface PostIds {
        /** Up to {@code count} IDs older than {@code cursor} (from the newest when null). */
        List<Long> olderThan(Long cursor, int count);
    }

    /** One page of posts with their authors' names, and the cursor of the next page, null when there is none. */
    record Page(List<EncodedPost> items, Map<String, byte[]> names, Long nextCursor) {
        /** {@code {"items":[...],"nextCursor":...}}. */
        byte[] json() {
            final ByteArrayOutputStream out = encode(items, names);
            out.writeBytes(nextCursor == null ? ",\"nextCursor\":null}".getBytes(StandardCharsets.UTF_8)
                    : (",\"nextCursor\":\"" + FeedCursors.ofPost(nextCursor) + "\"}").getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
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

    /** A post this instance owns, from the cache or else its store; null when there is none. */
    static EncodedPost cachedPost(FeedItemCache cache, LocalStores stores, String postId) {
        return cache.post(postId, id -> {
            final Post post = stores.<String, Post>keyValue(FeedStores.POSTS).get(id);
            return post == null ? null : EncodedPost.of(post);
        });
    }

    private static String storedName(LocalStores stores, String userId) {
        final UserState user = stores.<String, UserState>keyValue(FeedStores.USERS).get(userId);
        return user == null ? null : user.getDisplayName();
    }

    /** Up to {@code limit} posts of {@code list} after {@code cursor}, with their authors' current names. */
    Page page(Context ctx, PostIds list, Long cursor, int limit) throws Exception {
        final List<EncodedPost> items = new ArrayList<>();
        Long position = cursor;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            // one entry more than the page needs tells whether another page follows
            final int wanted = limit - items.size() + 1;
            final List<Long> ids = list.olderThan(position, wanted);
            final Map<String, EncodedPost> posts = posts(ctx, ids);
            for (Long id : ids) {
                final EncodedPost post = posts.get(Long.toString(id));
                if (post == null) {
                    continue;
                }
                if (items.size() == limit) {
                    return new Page(items, authorNames(ctx, items), lastPostId(items));
                }
                items.add(post);
            }
            if (ids.size() < wanted) {
                return new Page(items, authorNames(ctx, items), null);
            }
            position = ids.get(ids.size() - 1);
        }
        // a long run of deleted posts: the client carries on from where this page stopped reading
        return new Page(items, authorNames(ctx, items), position);
    }

    /** {@code {"items":[...]}}: the posts of {@code ids} that exist, in that order, with or without names. */
    byte[] posts(Context ctx, List<Long> ids, boolean withNames) throws Exception {
        final Map<String, EncodedPost> found = posts(ctx, ids);
        final List<EncodedPost> items = new ArrayList<>();
        for (Long id : ids) {
            final EncodedPost post = found.get(Long.toString(id));
            if (post != null) {
                items.add(post);
            }
        }
        return itemsOnly(items, withNames ? authorNames(ctx, items) : Map.of());
    }

    /** {@code {"items":[...]}} of {@code items}, each with its author's name from {@code names}. */
    static byte[] itemsOnly(List<EncodedPost> items, Map<String, byte[]> names) {
        final ByteArrayOutputStream out = encode(items, names);
        out.write('}');
        return out.toByteArray();
    }

    /** The profiles of the users of {@code userIds} that have one, by user ID. */
    Map<String, JsonNode> profiles(Context ctx, Collection<String> userIds) throws Exception {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        return lookup.profiles(ctx, userIds);
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

    private static ByteArrayOutputStream encode(List<EncodedPost> items, Map<String, byte[]> names) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64 + items.size() * 256);
        out.writeBytes("{\"items\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            final EncodedPost post = items.get(i);
            post.writeTo(out, names.getOrDefault(post.authorId(), NO_NAME));
        }
        out.write(']');
        return out;
    }

    private Map<String, EncodedPost> posts(Context ctx, List<Long> ids) throws Exception {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return lookup.posts(ctx, ids.stream().map(id -> Long.toString(id)).toList());
    }

    private Map<String, byte[]> authorNames(Context ctx, List<EncodedPost> posts) throws Exception {
        final Set<String> authors = new LinkedHashSet<>();
        posts.forEach(post -> authors.add(post.authorId()));
        return authors.isEmpty() ? Map.of() : lookup.names(ctx, authors);
    }

    private static Long lastPostId(List<EncodedPost> items) {
        return Long.parseLong(items.get(items.size() - 1).postId());
    }
}

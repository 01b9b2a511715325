package io.eventline.feed;

/**
 * Keys of the stores that hold lists: {@code owner NUL item}. Post items are the reversed post ID as 19 digits,
 * so an ascending range scan returns the newest post first and a post ID is a stable paging cursor. User IDs
 * hold no control characters, so every key of one owner sorts below {@code owner U+0001}.
 */
public final class FeedKeys {
    private static final char SEPARATOR = '\u0000';
    private static final char AFTER_SEPARATOR = '\u0001';
    private static final int POST_DIGITS = 19;

    private FeedKeys() {
    }

    /** The key of {@code postId} in {@code owner}'s list. */
    public static String post(String owner, long postId) {
        return prefix(owner) + reversed(postId);
    }

    /** The key of the pair {@code (owner, other)}, e.g. a follow edge. */
    public static String pair(String owner, String other) {
        return prefix(owner) + other;
    }

    /** Every key of {@code owner} starts with this; it is also the lower end of the owner's range. */
    public static String prefix(String owner) {
        return owner + SEPARATOR;
    }

    /** The upper end (inclusive, never itself a key) of {@code owner}'s range. */
    public static String end(String owner) {
        return owner + AFTER_SEPARATOR;
    }

    /** The lower end of the posts older than {@code cursorPostId}, i.e. the next page after that post. */
    public static String olderThan(String owner, long cursorPostId) {
        return post(owner, cursorPostId - 1);
    }

    /** The post ID of a post key. */
    public static long postIdOf(String key) {
        return Long.MAX_VALUE - Long.parseLong(key.substring(key.length() - POST_DIGITS));
    }

    /** The item part of a pair key of {@code owner}. */
    public static String otherOf(String key, String owner) {
        return key.substring(owner.length() + 1);
    }

    private static String reversed(long postId) {
        final String digits = Long.toString(Long.MAX_VALUE - postId);
        return "0".repeat(POST_DIGITS - digits.length()) + digits;
    }
}

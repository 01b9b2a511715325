package io.eventline.chat;

/**
 * The one answer for a channel the caller may not see: it does not exist, or the caller is not a member. Both
 * read the same, status, type and detail, so a stranger cannot learn which channels exist or who talks to whom.
 */
public final class ChannelNotFound {
    public static final int STATUS = 404;
    public static final String SLUG = "channel-not-found";
    public static final String TITLE = "Not found";

    private ChannelNotFound() {
    }

    public static String detail(String channelId) {
        return "no channel " + channelId;
    }
}

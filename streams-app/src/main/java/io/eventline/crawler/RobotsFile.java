package io.eventline.crawler;

/**
 * A host's robots.txt as fetched: what the frontier keeps to build the host's {@link RobotsRules} again.
 *
 * @param url    the URL the file came from, after redirects
 * @param status the final status; {@link #UNREACHABLE} when no answer came, {@link #NOT_THERE} for too many
 *               redirects (RFC 9309 section 2.3.1.2: as if there were none)
 * @param body   the file, or null
 */
public record RobotsFile(String url, int status, byte[] body) {
    /** No answer: refused, timed out or unresolved. */
    public static final int UNREACHABLE = 0;
    /**
     * Not asked: the host's address is one the address guard refuses, so none of its URLs is fetched. Kept like
     * an unreachable file, so that a changed allow list takes effect when it is asked again.
     */
    public static final int BLOCKED = -1;
    /** Read as a 404: everything allowed. */
    public static final int NOT_THERE = 404;

    /** The rules of this file for {@code settings}' user agent. */
    public RobotsRules rules(CrawlerSettings settings) {
        return status == UNREACHABLE || status == BLOCKED ? RobotsRules.unreachable(settings)
                : RobotsRules.fromResponse(url, status, body, settings);
    }
}

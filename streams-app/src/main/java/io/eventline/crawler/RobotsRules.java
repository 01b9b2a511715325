package io.eventline.crawler;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one host's robots.txt lets this crawler fetch, as RFC 9309 reads it, through crawler-commons' parser
 * (groups, {@code *} and {@code $} wildcards, the longest match winning and {@code Allow} winning a tie). Made
 * from the robots.txt fetch's outcome:
 * <ul>
 *   <li>2xx: the file's rules for the crawler's token (the {@code User-Agent}'s first word, lower-cased), else
 *       for {@code *}; at most the first {@code maxRobotsBytes} are read;</li>
 *   <li>4xx (none there, or not for us): everything allowed (RFC 9309 section 2.3.1.3);</li>
 *   <li>5xx, too many redirects or unreachable: nothing allowed for now, and {@link #retryLater()} (section
 *       2.3.1.4): the frontier keeps the host's URLs and asks for robots.txt again later.</li>
 * </ul>
 * A {@code Crawl-delay} is honoured up to the cap; a larger one is cut to the cap, not taken as "disallow all".
 * Immutable; the frontier keeps the fetched file and its status, and builds the rules again after a restart.
 */
public final class RobotsRules {
    private final BaseRobotRules rules;
    private final Duration crawlDelay;

    private RobotsRules(BaseRobotRules rules, Duration maxCrawlDelay) {
        this.rules = rules;
        final long delayMs = rules.getCrawlDelay();
        this.crawlDelay = delayMs == BaseRobotRules.UNSET_CRAWL_DELAY || delayMs <= 0
                ? Duration.ZERO
                : min(Duration.ofMillis(delayMs), maxCrawlDelay);
    }

    /**
     * The rules of a robots.txt answered with {@code status}; {@code body} is read only for a 2xx.
     *
     * @param robotsUrl the robots.txt URL, e.g. {@code https://example.com/robots.txt}
     * @param status    the final status after following redirects (at most five, RFC 9309 section 2.3.1.2), or
     *                  a 3xx when there were more
     * @param body      the file as fetched, or null
     * @param settings  the user agent, the crawl delay's cap and the size read
     */
    public static RobotsRules fromResponse(String robotsUrl, int status, byte[] body, CrawlerSettings settings) {
        // no cap inside the parser: it turns a delay above its own maximum into "disallow all"
        final SimpleRobotRulesParser parser = new SimpleRobotRulesParser(Long.MAX_VALUE, 5);
        final BaseRobotRules rules;
        if (status >= 200 && status < 300) {
            final byte[] content = body == null ? new byte[0]
                    : Arrays.copyOf(body, Math.min(body.length, settings.maxRobotsBytes()));
            final String token = token(settings.userAgent());
            rules = parser.parseContent(robotsUrl, content, "text/plain",
                    token.isEmpty() ? List.of() : List.of(token));
        } else {
            rules = parser.failedFetch(status);
        }
        return new RobotsRules(rules, settings.maxCrawlDelay());
    }

    /** The rules while robots.txt cannot be reached (refused, timed out, unresolved): nothing, until a retry. */
    public static RobotsRules unreachable(CrawlerSettings settings) {
        return fromResponse("", 503, null, settings);
    }

    /** The robots.txt product token of a {@code User-Agent}: its first word before any '/', lower-cased. */
    static String token(String userAgent) {
        final String first = userAgent.strip().split("[\\s/]", 2)[0];
        return first.toLowerCase(Locale.ROOT).replaceAll("[^a-z_-]", "");
    }

    /** Whether the URL (absolute, on this robots.txt's host) may be fetched. */
    public boolean allowed(String url) {
        return rules.isAllowed(url);
    }

    /** The host's {@code Crawl-delay}, capped; zero when it names none. */
    public Duration crawlDelay() {
        return crawlDelay;
    }

    /** True when these rules stand in for a robots.txt that failed for now (5xx, unreachable): ask again later. */
    public boolean retryLater() {
        return rules.isDeferVisits();
    }

    /** The sitemaps robots.txt lists. */
    public List<String> sitemaps() {
        return List.copyOf(rules.getSitemaps());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

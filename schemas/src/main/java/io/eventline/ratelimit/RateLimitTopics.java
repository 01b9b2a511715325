package io.eventline.ratelimit;

import io.eventline.topics.Topic;
import java.util.List;
import java.util.Map;

/** The rate limiter's topics. */
public final class RateLimitTopics {
    private static final String DAY_MILLIS = String.valueOf(24L * 3600 * 1000);

    /** Every domain's rules, keyed by domain; the source of truth once seeded. */
    public static final Topic<RateLimitRules> RULES =
            Topic.table("ratelimit.rules.v1", "domain", RateLimitRules.class, RateLimitRules::getDomain);
    /** Checks to decide, keyed by {@link RateLimitKeys#counterKey}: one partition owns each counter. */
    public static final Topic<RateLimitCheckRequested> CHECKS = Topic.events("ratelimit.checks.v1",
            "counterKey (domain and descriptor)", RateLimitCheckRequested.class, RateLimitKeys::counterKey)
            .withConfigs(Map.of("retention.ms", DAY_MILLIS));
    /** Decisions, keyed by checkId; callers await them, so they are kept a day only. */
    public static final Topic<RateLimitDecision> DECISIONS = Topic.events("ratelimit.decisions.v1", "checkId",
            RateLimitDecision.class, RateLimitDecision::getCheckId).withConfigs(Map.of("retention.ms", DAY_MILLIS));
    /** Requests over a limit, shadow ones included, keyed by domain. */
    public static final Topic<RateLimitRejected> REJECTIONS =
            Topic.events("ratelimit.rejections.v1", "domain", RateLimitRejected.class, RateLimitRejected::getDomain);

    public static final List<Topic<?>> ALL = List.of(RULES, CHECKS, DECISIONS, REJECTIONS);

    private RateLimitTopics() {
    }
}

package io.eventline.ratelimit;

import io.eventline.http.ProblemException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The response fields that tell a client where it stands: the book's {@code X-Ratelimit-*} and the IETF draft's
 * {@code RateLimit-Policy} / {@code RateLimit} (structured fields: {@code "name";q=2;w=1} and
 * {@code "name";r=1;t=1}). Times are whole seconds, rounded up, so a client that waits them is admitted.
 */
final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    /** The fields of an admitted request; none when no rule applied. */
    static Map<String, String> admitted(DescriptorStatus status) {
        final Map<String, String> headers = new LinkedHashMap<>();
        if (status == null || status.rule() == null || !status.decided()) {
            return headers;
        }
        final RateLimitRule rule = status.rule();
        headers.put("X-Ratelimit-Limit", Long.toString(rule.getRequestsPerUnit()));
        headers.put("X-Ratelimit-Remaining", Long.toString(status.remaining()));
        headers.put("RateLimit-Policy", quoted(rule.getName()) + ";q=" + rule.getRequestsPerUnit() + ";w="
                + Limit.unitMillis(rule.getUnit()) / 1000);
        headers.put("RateLimit", quoted(rule.getName()) + ";r=" + status.remaining() + ";t="
                + seconds(status.resetMillis()));
        return headers;
    }

    /** The answer to a request a status refuses: 429 when its rule decided, else the failure mode's 503. */
    static ProblemException refusal(DescriptorStatus status) {
        return status.decided() ? tooManyRequests(status) : undecided(status);
    }

    /** A 429 for a request over its limit, with every field. */
    static ProblemException tooManyRequests(DescriptorStatus status) {
        final Map<String, String> headers = admitted(status);
        final String retryAfter = Long.toString(Math.max(1, seconds(status.retryAfterMillis())));
        headers.put("X-Ratelimit-Retry-After", retryAfter);
        headers.put("Retry-After", retryAfter);
        final RateLimitRule rule = status.rule();
        return new ProblemException(429, "rate-limited", "Too many requests",
                "over the limit " + rule.getName() + " (" + rule.getRequestsPerUnit() + " per "
                        + rule.getUnit().name().toLowerCase(Locale.ROOT) + "); retry in " + retryAfter + " s",
                List.of(), headers);
    }

    /** A 503 for a request whose limit could not be decided and whose rule fails closed. */
    static ProblemException undecided(DescriptorStatus status) {
        return ProblemException.unavailable("the rate limit " + status.rule().getName()
                + " cannot be checked right now and refuses requests meanwhile; retry shortly",
                (int) Math.max(1, seconds(status.retryAfterMillis())));
    }

    static long seconds(long millis) {
        return Math.floorDiv(millis + 999, 1000);
    }

    private static String quoted(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}

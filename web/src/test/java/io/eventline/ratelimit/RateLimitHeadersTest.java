package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.http.ProblemException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitHeadersTest {

    private static RateLimitRule rule(String name, long requestsPerUnit, RateLimitUnit unit, FailureMode failureMode) {
        return RateLimitRule.newBuilder()
                .setName(name)
                .setMatch(List.of(new DescriptorMatch("endpoint", "POST /api/v1/posts"), new DescriptorMatch("user", null)))
                .setUnit(unit)
                .setRequestsPerUnit(requestsPerUnit)
                .setAlgorithm(RateLimitAlgorithm.SLIDING_WINDOW_LOG)
                .setFailureMode(failureMode)
                .build();
    }

    private static RateLimitRule postsPerUser() {
        return rule("posts-per-user", 2, RateLimitUnit.SECOND, FailureMode.OPEN);
    }

    private static DescriptorStatus admitted(RateLimitRule rule, long remaining, long resetMillis) {
        return new DescriptorStatus(rule, false, remaining, resetMillis, 0, 0, false, true);
    }

    private static DescriptorStatus refused(RateLimitRule rule, long resetMillis, long retryAfterMillis) {
        return new DescriptorStatus(rule, true, 0, resetMillis, retryAfterMillis, 0, false, true);
    }

    @Test
    void shouldDescribeAnAdmittedRequestInTheBooksAndTheIetfDraftsFields() {
        // Given: one of two posts per second left, the window resets in 400 ms
        final DescriptorStatus status = admitted(postsPerUser(), 1, 400);

        // When
        final Map<String, String> headers = RateLimitHeaders.admitted(status);

        // Then
        assertThat(headers).containsExactly(
                Map.entry("X-Ratelimit-Limit", "2"),
                Map.entry("X-Ratelimit-Remaining", "1"),
                Map.entry("RateLimit-Policy", "\"posts-per-user\";q=2;w=1"),
                Map.entry("RateLimit", "\"posts-per-user\";r=1;t=1"));
    }

    @Test
    void shouldGiveThePolicyWindowInSecondsOfTheRulesUnit() {
        // When
        final Map<String, String> hourly = RateLimitHeaders.admitted(
                admitted(rule("per-tenant", 100, RateLimitUnit.HOUR, FailureMode.OPEN), 99, 3_599_001));
        final Map<String, String> weekly = RateLimitHeaders.admitted(
                admitted(rule("per-device", 5, RateLimitUnit.WEEK, FailureMode.OPEN), 4, 604_800_000));

        // Then
        assertThat(hourly).containsEntry("RateLimit-Policy", "\"per-tenant\";q=100;w=3600")
                .containsEntry("RateLimit", "\"per-tenant\";r=99;t=3600");
        assertThat(weekly).containsEntry("RateLimit-Policy", "\"per-device\";q=5;w=604800")
                .containsEntry("RateLimit", "\"per-device\";r=4;t=604800");
    }

    @Test
    void shouldRefuseARequestOverItsLimitWith429AndEveryField() {
        // Given: no post left, the next one admitted in 1.5 s
        final DescriptorStatus status = refused(postsPerUser(), 1500, 1500);

        // When
        final ProblemException problem = RateLimitHeaders.tooManyRequests(status);

        // Then
        assertThat(problem.status()).isEqualTo(429);
        assertThat(problem.type()).isEqualTo(ProblemException.TYPE_BASE + "rate-limited");
        assertThat(problem.getMessage())
                .isEqualTo("over the limit posts-per-user (2 per second); retry in 2 s");
        assertThat(problem.headers()).containsOnly(
                Map.entry("X-Ratelimit-Limit", "2"),
                Map.entry("X-Ratelimit-Remaining", "0"),
                Map.entry("X-Ratelimit-Retry-After", "2"),
                Map.entry("Retry-After", "2"),
                Map.entry("RateLimit-Policy", "\"posts-per-user\";q=2;w=1"),
                Map.entry("RateLimit", "\"posts-per-user\";r=0;t=2"));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "999, 1", "1000, 1", "1001, 2", "1999, 2", "2000, 2", "59999, 60"})
    void shouldRoundMillisecondsUpToWholeSeconds(long millis, long seconds) {
        // When
        final Map<String, String> admittedHeaders = RateLimitHeaders.admitted(admitted(postsPerUser(), 1, millis));

        // Then: a client that waits the advertised time is never early
        assertThat(RateLimitHeaders.seconds(millis)).isEqualTo(seconds);
        assertThat(admittedHeaders).containsEntry("RateLimit", "\"posts-per-user\";r=1;t=" + seconds);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "1000, 1", "1001, 2", "30000, 30"})
    void shouldRoundRetryAfterUp(long retryAfterMillis, String seconds) {
        // When
        final ProblemException problem = RateLimitHeaders.tooManyRequests(refused(postsPerUser(), 0, retryAfterMillis));

        // Then
        assertThat(problem.headers()).containsEntry("Retry-After", seconds)
                .containsEntry("X-Ratelimit-Retry-After", seconds);
    }

    @Test
    void shouldNeverAdvertiseARetryAfterOfZero() {
        // Given: a refusal whose wait is already over (or was never known)
        final DescriptorStatus status = refused(postsPerUser(), 0, 0);

        // When
        final ProblemException problem = RateLimitHeaders.tooManyRequests(status);

        // Then
        assertThat(problem.headers()).containsEntry("Retry-After", "1").containsEntry("X-Ratelimit-Retry-After", "1");
        assertThat(problem.getMessage()).endsWith("retry in 1 s");
    }

    @Test
    void shouldEscapeQuotesAndBackslashesInTheRuleName() {
        // Given
        final RateLimitRule rule = rule("say \"hi\" \\o/", 3, RateLimitUnit.MINUTE, FailureMode.OPEN);

        // When
        final Map<String, String> headers = RateLimitHeaders.admitted(admitted(rule, 2, 60_000));

        // Then: a structured-field string: \" and \\ inside the quotes
        assertThat(headers).containsEntry("RateLimit-Policy", "\"say \\\"hi\\\" \\\\o/\";q=3;w=60")
                .containsEntry("RateLimit", "\"say \\\"hi\\\" \\\\o/\";r=2;t=60");
    }

    @Test
    void shouldSendNoFieldsWhenNoRuleApplied() {
        assertThat(RateLimitHeaders.admitted(DescriptorStatus.unlimited())).isEmpty();
        assertThat(RateLimitHeaders.admitted(null)).isEmpty();
    }

    @Test
    void shouldSendNoCountsWhenNoDecisionArrived() {
        // Given: the rule fails open, so the request passes without a count to report
        final DescriptorStatus status = DescriptorStatus.undecided(postsPerUser(), 1000);

        // When
        final Map<String, String> headers = RateLimitHeaders.admitted(status);

        // Then
        assertThat(status.limited()).isFalse();
        assertThat(headers).isEmpty();
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenAClosedRuleCouldNotDecide() {
        // Given
        final RateLimitRule strict = rule("strict", 1, RateLimitUnit.HOUR, FailureMode.CLOSED);

        // When
        final ProblemException afterOneMillisecond = RateLimitHeaders.undecided(DescriptorStatus.undecided(strict, 1));
        final ProblemException afterTwoAndAHalfSeconds =
                RateLimitHeaders.undecided(DescriptorStatus.undecided(strict, 2500));

        // Then: a retry hint of whole seconds, at least one, and none of the counting fields
        assertThat(afterOneMillisecond.status()).isEqualTo(503);
        assertThat(afterOneMillisecond.type()).isEqualTo(ProblemException.TYPE_BASE + "unavailable");
        assertThat(afterOneMillisecond.getMessage()).contains("strict");
        assertThat(afterOneMillisecond.headers()).containsOnly(Map.entry("Retry-After", "1"));
        assertThat(afterTwoAndAHalfSeconds.headers()).containsOnly(Map.entry("Retry-After", "3"));
    }
}

package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckResultTest {

    private static RateLimitRule rule(String name, FailureMode failureMode) {
        return RateLimitRule.newBuilder()
                .setName(name)
                .setMatch(List.of(new DescriptorMatch(name, null)))
                .setUnit(RateLimitUnit.MINUTE)
                .setRequestsPerUnit(10)
                .setAlgorithm(RateLimitAlgorithm.TOKEN_BUCKET)
                .setFailureMode(failureMode)
                .build();
    }

    private static DescriptorStatus admitted(String name, long remaining) {
        return new DescriptorStatus(rule(name, FailureMode.OPEN), false, remaining, 6_000, 0, 0, false, true);
    }

    private static DescriptorStatus delayed(String name, long delayMillis) {
        return new DescriptorStatus(rule(name, FailureMode.OPEN), false, 3, 6_000, 0, delayMillis, false, true);
    }

    private static DescriptorStatus refused(String name, long retryAfterMillis) {
        return new DescriptorStatus(rule(name, FailureMode.OPEN), true, 0, 6_000, retryAfterMillis, 0, false, true);
    }

    private static String nameOf(DescriptorStatus status) {
        return status.rule().getName();
    }

    @Test
    void shouldBeLimitedWhenAnyDescriptorIsOverItsLimit() {
        // Given
        final CheckResult oneRefused = new CheckResult(List.of(admitted("a", 5), refused("b", 100),
                DescriptorStatus.unlimited()));
        final CheckResult allAdmitted = new CheckResult(List.of(admitted("a", 5), admitted("b", 0),
                DescriptorStatus.unlimited()));

        // When / Then
        assertThat(oneRefused.limited()).isTrue();
        assertThat(allAdmitted.limited()).isFalse();
    }

    @Test
    void shouldBindToTheRefusingStatusWithTheLongestRetry() {
        // Given: an admitted one with nothing left would be the tightest, but refusals come first
        final CheckResult result = new CheckResult(List.of(admitted("nothing-left", 0), refused("short", 1_000),
                refused("long", 30_000), refused("medium", 5_000)));

        // When / Then
        assertThat(result.binding()).map(CheckResultTest::nameOf).contains("long");
    }

    @Test
    void shouldBindToTheAdmittedStatusWithTheLeastRemaining() {
        // Given
        final CheckResult result = new CheckResult(List.of(admitted("roomy", 9), admitted("tight", 2),
                DescriptorStatus.unlimited(), admitted("middling", 5)));

        // When / Then: the unlimited one reports -1 remaining but has no rule to speak for
        assertThat(result.binding()).map(CheckResultTest::nameOf).contains("tight");
    }

    @Test
    void shouldPreferACountedStatusOverOneThatWasNotDecided() {
        // Given: no decision for the open rule, whose -1 remaining is no count at all
        final DescriptorStatus undecided = DescriptorStatus.undecided(rule("undecided", FailureMode.OPEN), 1_000);
        final CheckResult result = new CheckResult(List.of(undecided, admitted("counted", 7)));

        // When / Then
        assertThat(result.binding()).map(CheckResultTest::nameOf).contains("counted");
        assertThat(new CheckResult(List.of(undecided)).binding()).contains(undecided);
    }

    @Test
    void shouldHaveNoBindingStatusWhenNoRuleApplied() {
        assertThat(new CheckResult(List.of(DescriptorStatus.unlimited(), DescriptorStatus.unlimited())).binding())
                .isEmpty();
        assertThat(new CheckResult(List.of()).binding()).isEmpty();
    }

    @Test
    void shouldDelayByTheLongestDelayOfAnyDescriptor() {
        // Given
        final CheckResult result = new CheckResult(List.of(delayed("queue-a", 250), delayed("queue-b", 900),
                admitted("plain", 4), DescriptorStatus.unlimited()));

        // When / Then
        assertThat(result.delayMillis()).isEqualTo(900);
        assertThat(new CheckResult(List.of(admitted("plain", 4))).delayMillis()).isZero();
        assertThat(new CheckResult(List.of()).delayMillis()).isZero();
    }

    @Test
    void shouldBeUndecidedWhenAnyRuleAnsweredByItsFailureMode() {
        // Given
        final DescriptorStatus open = DescriptorStatus.undecided(rule("open", FailureMode.OPEN), 1_000);
        final DescriptorStatus closed = DescriptorStatus.undecided(rule("closed", FailureMode.CLOSED), 1_000);

        // When
        final CheckResult admittedUndecided = new CheckResult(List.of(admitted("a", 3), open));
        final CheckResult refusedUndecided = new CheckResult(List.of(admitted("a", 3), closed));
        final CheckResult decided = new CheckResult(List.of(admitted("a", 3), refused("b", 10),
                DescriptorStatus.unlimited()));

        // Then: an open rule admits, a closed one refuses, and the result says no decision was had
        assertThat(admittedUndecided.undecided()).isTrue();
        assertThat(admittedUndecided.limited()).isFalse();
        assertThat(refusedUndecided.undecided()).isTrue();
        assertThat(refusedUndecided.limited()).isTrue();
        assertThat(refusedUndecided.binding()).contains(closed);
        assertThat(closed.retryAfterMillis()).isEqualTo(1_000);
        assertThat(open.retryAfterMillis()).isZero();
        assertThat(decided.undecided()).isFalse();
    }
}

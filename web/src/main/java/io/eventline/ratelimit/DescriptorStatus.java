package io.eventline.ratelimit;

/**
 * The answer for one descriptor of a check.
 *
 * @param rule       the rule that applied, or null when none did (then nothing is limited)
 * @param limited    whether this descriptor refuses the request
 * @param remaining  hits still admitted now; -1 when no rule applies or no decision could be had
 * @param decided    false when no decision arrived in time and the rule's failure mode answered instead
 */
public record DescriptorStatus(RateLimitRule rule, boolean limited, long remaining, long resetMillis,
                               long retryAfterMillis, long delayMillis, boolean shadowLimited, boolean decided) {

    static DescriptorStatus unlimited() {
        return new DescriptorStatus(null, false, -1, 0, 0, 0, false, true);
    }

    static DescriptorStatus of(RateLimitDecision decision) {
        return new DescriptorStatus(decision.getRule(), decision.getCode() == RateLimitCode.OVER_LIMIT,
                decision.getRemaining(), decision.getResetMillis(), decision.getRetryAfterMillis(),
                decision.getDelayMillis(), decision.getShadowLimited(), true);
    }

    /** No decision in time: the rule's failure mode decides. */
    static DescriptorStatus undecided(RateLimitRule rule, long retryAfterMillis) {
        return new DescriptorStatus(rule, rule.getFailureMode() == FailureMode.CLOSED, -1, 0,
                rule.getFailureMode() == FailureMode.CLOSED ? retryAfterMillis : 0, 0, false, false);
    }
}

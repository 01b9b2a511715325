package io.eventline.ratelimit;

import java.time.Instant;

/** The decisions the stream and the in-process counter owner make alike. */
public final class RateLimitDecisions {
    private RateLimitDecisions() {
    }

    /** The decision for a check no rule applies to: admitted, nothing counted. */
    public static RateLimitDecision unlimited(RateLimitCheckRequested check) {
        return RateLimitDecision.newBuilder().setCheckId(check.getCheckId()).setRequestId(check.getRequestId())
                .setDecidedAt(check.getTimestamp()).setCode(RateLimitCode.OK).setRule(null).setRemaining(-1)
                .setResetMillis(0).setRetryAfterMillis(0).setDelayMillis(0).setShadowLimited(false).build();
    }

    /** What {@code rule}'s algorithm decided; a shadow rule admits what it would have refused. */
    static RateLimitDecision of(String checkId, String requestId, Instant at, RateLimitRule rule, Verdict verdict) {
        final boolean shadowLimited = !verdict.allowed() && rule.getShadow();
        return RateLimitDecision.newBuilder().setCheckId(checkId).setRequestId(requestId).setDecidedAt(at)
                .setCode(verdict.allowed() || shadowLimited ? RateLimitCode.OK : RateLimitCode.OVER_LIMIT)
                .setRule(rule).setRemaining(verdict.remaining()).setResetMillis(verdict.resetMillis())
                .setRetryAfterMillis(verdict.allowed() ? 0 : verdict.retryAfterMillis())
                .setDelayMillis(verdict.delayMillis()).setShadowLimited(shadowLimited).build();
    }
}

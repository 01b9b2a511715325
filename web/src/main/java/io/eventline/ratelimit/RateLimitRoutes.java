package io.eventline.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.eventline.http.JsonBodies;
import io.eventline.http.ProblemException;
import io.eventline.operations.WriteGateway;
import io.eventline.platform.RouteServices;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** The limiter's HTTP API: rules per domain (admin), the check service (services), a counter's status (admin). */
public final class RateLimitRoutes {
    private static final String TAG = "ratelimit";
    public static final String RULES_PATH = "/api/v1/admin/ratelimit/rules";
    /** How long a rules change waits to be stored, and then to be visible in this instance's copy. */
    public static final Duration APPLY_WAIT = Duration.ofSeconds(10);

    private final RateLimiter limiter;
    private final RulesView rules;
    private final RouteServices services;
    private final JsonBodies bodies;
    private final ObjectMapper json;
    private final Duration applyWait;
    private final String ownDomain;

    /**
     * @param services  its responders write check answers, not on the thread that receives decisions; rules
     *                  changes await their own acknowledgement, not the gateway's outcome
     * @param applyWait how long a rules change waits to be stored, and then to be in force here
     * @param ownDomain the domain Eventline's own endpoints are limited under, which services may not spend
     */
    public RateLimitRoutes(RouteServices services, RateLimiter limiter, RulesView rules, Duration applyWait,
                           String ownDomain) {
        this.ownDomain = ownDomain;
        this.limiter = limiter;
        this.rules = rules;
        this.services = services;
        this.bodies = new JsonBodies(services.json());
        this.json = services.json();
        this.applyWait = applyWait;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.api(HandlerType.GET, RULES_PATH, TAG, "Every domain's rate-limit rules (admin)",
                        this::listRules).answers(200, "Every domain's rules", RateLimitSchemas.ALL_RULES),
                ApiRoute.api(HandlerType.GET, RULES_PATH + "/{domain}", TAG, "One domain's rate-limit rules (admin)",
                        this::getRules).answers(200, "The domain's rules", RateLimitSchemas.RULES),
                ApiRoute.api(HandlerType.PUT, RULES_PATH + "/{domain}", TAG,
                        "Replace one domain's rate-limit rules (admin); in force on every instance within seconds, 202 "
                                + "when stored but not in force here within 10 s",
                        this::putRules).body(RateLimitSchemas.RULES_UPDATE)
                        .answers(200, "The rules now in force", RateLimitSchemas.RULES)
                        .answers(202, "Stored, not yet in force here: Location shows them", RateLimitSchemas.RULES),
                ApiRoute.api(HandlerType.POST, "/api/v1/ratelimit/check", TAG,
                        "Count hits against the limits of descriptors and say whether they are within them "
                                + "(service or admin; 200 with overallCode OK or OVER_LIMIT; 403 for a domain the "
                                + "token may not check: not in its domains claim, or Eventline's own)",
                        this::check).unlimited().body(RateLimitSchemas.CHECK)
                        .answers(200, "Each descriptor's status", RateLimitSchemas.CHECK_RESULT),
                ApiRoute.api(HandlerType.GET, "/api/v1/admin/ratelimit/status", TAG,
                        "The current window of one counter (?domain=&descriptor=key=value,...) (admin)",
                        this::status)
                        .query("domain", "The rules' domain", JsonSchema.string(64))
                        .query("descriptor", "key=value,... or a JSON array of {key, value}", JsonSchema.string(4096))
                        .answers(200, "The counter's rule and window", RateLimitSchemas.STATUS));
    }

    private void listRules(Context ctx) {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        final ArrayNode domains = json.createArrayNode();
        rules.all().forEach(domain -> domains.add(RuleConfigs.render(domain, json)));
        ctx.contentType("application/json").result(json.createObjectNode().set("domains", domains).toString());
    }

    private void getRules(Context ctx) {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        final String domain = ctx.pathParam("domain");
        final RateLimitRules current = rules.get(domain);
        if (current == null) {
            throw ProblemException.notFound("no rate-limit rules for domain " + domain);
        }
        ctx.contentType("application/json").result(RuleConfigs.render(current, json).toString());
    }

    private void putRules(Context ctx) throws Exception {
        final Principal caller = JwtAuth.requireRole(ctx, Principal.ADMIN);
        final String domain = ctx.pathParam("domain");
        final RateLimitRules current = rules.get(domain);
        final long version = Math.max(current == null ? 1 : current.getVersion() + 1, services.clock().millis());
        final RateLimitRules replacement;
        try {
            replacement = RuleConfigs.parseDomain(bodies.object(ctx), domain, version, services.clock().instant(),
                    caller.userId());
        } catch (InvalidRulesException e) {
            throw ProblemException.badRequest(e.getMessage(), e.violations().stream()
                    .map(v -> new ProblemException.FieldError(v.pointer(), v.detail())).toList());
        }
        WriteGateway.requireStored(services.producer().send(RateLimitTopics.RULES, replacement), applyWait);
        // this instance's copy holds the new rules before the answer, so the next request here is judged by them
        if (!rules.awaitVersion(domain, version, applyWait)) {
            // stored, so they come into force: 202 says they are not yet, and where to see when they are
            ctx.status(202).header("Location", RULES_PATH + "/" + domain);
        }
        ctx.contentType("application/json").result(RuleConfigs.render(replacement, json).toString());
    }


    private void check(Context ctx) {
        final Principal caller = JwtAuth.requireServiceOrAdmin(ctx, "the check API");
        final CheckRequests.Check check = CheckRequests.parse(bodies.object(ctx));
        requireMayCheck(caller, check.domain());
        // a caller's own request ID makes its retries count once; it is scoped to the caller
        final String requestId = check.requestId() == null ? services.ids().nextIdString()
                : caller.userId() + ":" + check.requestId();
        ctx.future(() -> limiter.check(requestId, check.requestId() != null, check.domain(), check.descriptors(),
                        check.hits())
                .thenAcceptAsync(result -> ctx.contentType("application/json").result(checkAnswer(result).toString()),
                        services.responders()));
    }

    /**
     * A service checks the domains its token names, or without a {@code domains} claim every domain but Eventline's
     * own, whose counters are users' allowances; an admin checks any.
     */
    private void requireMayCheck(Principal caller, String domain) {
        if (caller.isAdmin()) {
            return;
        }
        final boolean allowed = caller.domains().map(domains -> domains.contains(domain))
                .orElse(!domain.equals(ownDomain));
        if (!allowed) {
            throw ProblemException.forbidden("this token may not check domain " + domain
                    + (caller.domains().isPresent() ? "; it may check " + String.join(", ",
                    new TreeSet<>(caller.domains().get())) : "; it is Eventline's own"));
        }
    }

    private ObjectNode checkAnswer(CheckResult result) {
        final ObjectNode answer = json.createObjectNode();
        answer.put("overallCode", result.limited() ? "OVER_LIMIT" : "OK");
        final ArrayNode statuses = answer.putArray("statuses");
        for (DescriptorStatus status : result.statuses()) {
            final ObjectNode item = statuses.addObject();
            item.put("code", status.limited() ? "OVER_LIMIT" : "OK");
            if (status.rule() == null) {
                item.putNull("limit");
            } else {
                limitOf(status.rule(), item.putObject("limit"));
            }
            item.put("remaining", status.remaining());
            item.put("resetSeconds", RateLimitHeaders.seconds(status.resetMillis()));
            item.put("retryAfterSeconds", RateLimitHeaders.seconds(status.retryAfterMillis()));
            item.put("delayMillis", status.delayMillis());
            item.put("shadowLimited", status.shadowLimited());
            item.put("decided", status.decided());
        }
        return answer;
    }

    private void status(Context ctx) throws Exception {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        final String domain = ctx.queryParam("domain");
        if (domain == null || domain.isBlank()) {
            throw ProblemException.badRequest("domain is required",
                    List.of(new ProblemException.FieldError("/domain", "is required")));
        }
        final String raw = ctx.queryParam("descriptor");
        final List<DescriptorEntry> descriptor = CheckRequests.parseQuery(raw,
                raw != null && raw.startsWith("[") ? bodies.parse(raw) : null);
        final RateLimitRule rule = limiter.ruleFor(domain, descriptor).orElse(null);
        final String counterKey = RateLimitKeys.counterKey(domain, descriptor);
        services.router().answer(ctx, RateLimitStores.STATE, counterKey, (c, stores) -> {
            final byte[] state = limiter.windowState(stores, counterKey);
            c.contentType("application/json").result(statusAnswer(domain, descriptor, rule, state)
                    .toString());
        });
    }

    private ObjectNode statusAnswer(String domain, List<DescriptorEntry> descriptor, RateLimitRule rule,
                                    byte[] state) {
        final ObjectNode answer = json.createObjectNode();
        answer.put("domain", domain);
        final ArrayNode entries = answer.putArray("descriptor");
        descriptor.forEach(entry -> entries.addObject().put("key", entry.getKey()).put("value", entry.getValue()));
        if (rule == null) {
            answer.putNull("rule");
            return answer;
        }
        final ObjectNode limit = answer.putObject("rule");
        limitOf(rule, limit);
        limit.put("algorithm", rule.getAlgorithm().name().toLowerCase(Locale.ROOT));
        limit.put("shadow", rule.getShadow());
        limit.put("failureMode", rule.getFailureMode().name().toLowerCase(Locale.ROOT));
        final long now = services.clock().millis();
        final Verdict standing = LimitAlgorithms.of(rule.getAlgorithm()).peek(state, now, Limit.of(rule));
        final boolean live = state != null && standing.expiresAt() > now;
        final ObjectNode window = answer.putObject("window");
        window.put("active", live);
        window.put("remaining", standing.remaining());
        window.put("resetSeconds", RateLimitHeaders.seconds(standing.resetMillis()));
        if (live) {
            window.put("expiresAt", Instant.ofEpochMilli(standing.expiresAt()).toString());
        }
        return answer;
    }

    private static void limitOf(RateLimitRule rule, ObjectNode target) {
        target.put("name", rule.getName());
        target.put("requestsPerUnit", rule.getRequestsPerUnit());
        target.put("unit", rule.getUnit().name());
    }
}

package io.eventline.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Finds the rule for a descriptor in the current rules of its domain, compiling each domain's rules once per
 * version. The stream and the web layer both ask it: the stream to decide, the web layer to skip the round
 * trip when no rule applies and to know a rule's failure mode.
 */
public final class RuleCache {
    private final Function<String, RateLimitRules> lookup;
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    /** @param lookup the current rules of a domain, or null */
    public RuleCache(Function<String, RateLimitRules> lookup) {
        this.lookup = lookup;
    }

    /** The rule that applies to {@code descriptor} in {@code domain}, if any. */
    public Optional<RateLimitRule> match(String domain, List<DescriptorEntry> descriptor) {
        final RateLimitRules rules = lookup.apply(domain);
        if (rules == null) {
            compiled.remove(domain);
            return Optional.empty();
        }
        Compiled current = compiled.get(domain);
        if (current == null || current.version != rules.getVersion()) {
            current = new Compiled(rules.getVersion(), RuleMatcher.of(rules));
            compiled.put(domain, current);
        }
        return current.matcher.match(descriptor);
    }

    private record Compiled(long version, RuleMatcher matcher) {
    }
}

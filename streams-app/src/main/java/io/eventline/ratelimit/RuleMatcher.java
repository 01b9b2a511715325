package io.eventline.ratelimit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the rule of one domain that applies to a request's descriptor, with the semantics of Envoy's ratelimit
 * service: walk the descriptor entry by entry, at each level taking the child with the same key and value, else
 * the key-only child with the same key, never backtracking; the rule of the node reached by the last entry
 * applies, if it has one. A descriptor shorter or longer than every rule path matches nothing.
 *
 * <p>Built once per {@link RateLimitRules}; immutable and safe to share between threads.
 */
public final class RuleMatcher {
    private final String domain;
    private final long version;
    private final Node root;
    private final int depth;

    private RuleMatcher(String domain, long version, Node root, int depth) {
        this.domain = domain;
        this.version = version;
        this.root = root;
        this.depth = depth;
    }

    /** Compiles the rules into a tree. Should two rules share a path (a parsed config never has), the first wins. */
    public static RuleMatcher of(RateLimitRules rules) {
        final Node root = new Node();
        int depth = 0;
        for (RateLimitRule rule : rules.getRules()) {
            if (rule.getMatch().isEmpty()) {
                continue;
            }
            Node node = root;
            for (DescriptorMatch match : rule.getMatch()) {
                node = match.getValue() == null
                        ? node.anyValue.computeIfAbsent(match.getKey(), k -> new Node())
                        : node.exact.computeIfAbsent(match.getKey(), k -> new HashMap<>())
                                .computeIfAbsent(match.getValue(), v -> new Node());
            }
            if (node.rule.isEmpty()) {
                node.rule = Optional.of(rule);
            }
            depth = Math.max(depth, rule.getMatch().size());
        }
        return new RuleMatcher(rules.getDomain(), rules.getVersion(), root, depth);
    }

    /** The rule that applies to the descriptor, if any; empty for an empty descriptor. */
    public Optional<RateLimitRule> match(List<DescriptorEntry> descriptor) {
        final int size = descriptor.size();
        if (size == 0 || size > depth) {
            return Optional.empty();
        }
        Node node = root;
        // indexed: no iterator per call on this per-request path, and descriptors are only a few entries long
        for (int i = 0; i < size; i++) {
            final DescriptorEntry entry = descriptor.get(i);
            final Map<String, Node> values = node.exact.get(entry.getKey());
            Node next = values == null ? null : values.get(entry.getValue());
            if (next == null) {
                next = node.anyValue.get(entry.getKey());
                if (next == null) {
                    return Optional.empty();
                }
            }
            node = next;
        }
        return node.rule;
    }

    /** The domain whose rules this matcher holds. */
    public String domain() {
        return domain;
    }

    /** The version of the rules this matcher was built from. */
    public long version() {
        return version;
    }

    /** One level of the tree; never changed once {@link #of} returns. */
    private static final class Node {
        private final Map<String, Map<String, Node>> exact = new HashMap<>();
        private final Map<String, Node> anyValue = new HashMap<>();
        private Optional<RateLimitRule> rule = Optional.empty();
    }
}

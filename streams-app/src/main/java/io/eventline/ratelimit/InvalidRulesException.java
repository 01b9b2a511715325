package io.eventline.ratelimit;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A rules config that cannot be accepted, with every problem found in it (not just the first), each located by a
 * JSON pointer into the config, e.g. {@code /descriptors/0/descriptors/1/rate_limit/unit}.
 */
public class InvalidRulesException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<Violation> violations;

    /** @param violations at least one */
    public InvalidRulesException(List<Violation> violations) {
        super(summary(violations));
        this.violations = List.copyOf(violations);
    }

    /** Every problem, in the order they appear in the config. */
    public List<Violation> violations() {
        return violations;
    }

    private static String summary(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an InvalidRulesException needs at least one violation");
        }
        return violations.size() + (violations.size() == 1 ? " problem" : " problems") + " in the rules: "
                + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }

    /**
     * One problem.
     *
     * @param pointer JSON pointer (RFC 6901) to the offending field or node; {@code ""} is the whole config
     * @param detail what is wrong and what is allowed
     */
    public record Violation(String pointer, String detail) {
        public Violation {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return (pointer.isEmpty() ? "(root)" : pointer) + ": " + detail;
        }
    }
}

package io.eventline.registry.client;

import java.util.Locale;
import java.util.Optional;

/**
 * The compatibility levels of the Confluent Schema Registry API. BACKWARD: a new schema reads data written
 * with the old one; FORWARD: the old schema reads data written with the new one; FULL: both. Transitive
 * levels compare with every earlier version of the subject, the others with the latest only.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The new schema must read what the old one wrote. */
    public boolean backward() {
        return backward;
    }

    /** The old schema must read what the new one writes. */
    public boolean forward() {
        return forward;
    }

    /** Compare with all earlier versions rather than the latest only. */
    public boolean transitive() {
        return transitive;
    }

    /** Parses a level name as the API spells it, ignoring case; empty for anything else. */
    public static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

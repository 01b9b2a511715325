package io.eventline.registry;

import io.eventline.registry.client.CompatibilityLevel;

/**
 * A change to the registry, as written to its log. Every instance applies the log's commands in order to
 * its own {@link RegistryState}, and since applying is deterministic they all agree.
 */
sealed interface RegistryCommand {

    /** Registers {@code schema} (its canonical text) under {@code subject}, if compatible. */
    record Register(String subject, String schema) implements RegistryCommand {
    }

    /** Sets the level of {@code subject}, or the global one when it is null; a null level clears a subject's. */
    record SetCompatibility(String subject, CompatibilityLevel level) implements RegistryCommand {
    }

    /** Soft-deletes every version of {@code subject}; IDs stay valid and version numbers are not reused. */
    record DeleteSubject(String subject) implements RegistryCommand {
    }
}

package io.eventline.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro refuses to instantiate generated classes outside its trusted packages; Eventline's events live under
 * {@code io.eventline}. Avro's validator is process-global, so this extends it once per process.
 */
final class TrustedEventPackages {
    private static final String PREFIX = "io.eventline.";
    private static boolean installed;

    private TrustedEventPackages() {
    }

    static synchronized void install() {
        if (!installed) {
            final ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current,
                    type -> type.getName().startsWith(PREFIX)));
            installed = true;
        }
    }
}

package io.eventline.registry.client;

/**
 * A registry call failed; {@link #errorCode()} carries Confluent's error code when the registry sent one, and
 * {@link #isTransient()} says whether the same call may succeed later (the registry unreachable, overloaded or
 * failing) rather than never (no such schema, a refused write).
 */
public class SchemaRegistryException extends RuntimeException {
    private final int errorCode;

    public SchemaRegistryException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = -1;
    }

    public int errorCode() {
        return errorCode;
    }

    /** True when the registry could not answer: the same call may succeed once it is back. */
    public boolean isTransient() {
        if (errorCode < 0) {
            return getCause() instanceof java.io.IOException;
        }
        // HTTP 429 and 5xx, and Confluent's five-digit codes of the 500 family (50001-50005)
        return errorCode == 429 || errorCode / 100 == 5 || errorCode / 100 == 500;
    }
}

package io.eventline.operations;

/** Names of the operation stores. */
public final class OperationStores {
    /** Event ID to the outcome of that write; a terminal outcome is never replaced. */
    public static final String OUTCOMES = "operations-store";

    private OperationStores() {
    }
}

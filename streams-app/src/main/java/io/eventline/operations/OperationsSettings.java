package io.eventline.operations;

import java.time.Duration;

/**
 * How long outcomes are kept.
 *
 * @param retention how long an outcome is answered by event ID
 */
public record OperationsSettings(Duration retention) {
    public static OperationsSettings defaults() {
        return new OperationsSettings(OperationStores.RETENTION);
    }
}

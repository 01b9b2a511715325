package io.eventline.kv;

import java.time.Duration;
import java.util.Optional;

/** A write past a namespace's quota ({@code 409 quota-exceeded}): delete keys or ask for a larger quota. */
public final class KvQuotaExceededException extends KvException {
    private static final long serialVersionUID = 1L;

    public KvQuotaExceededException(String type, String title, String detail, Optional<Duration> retryAfter) {
        super(409, type, title, detail, retryAfter);
    }

    /** The quota the write would pass, {@code maxKeys} or {@code maxBytes}, as the problem's detail names it. */
    public Optional<String> quota() {
        if (detail().contains("maxKeys")) {
            return Optional.of("maxKeys");
        }
        return detail().contains("maxBytes") ? Optional.of("maxBytes") : Optional.empty();
    }
}

package io.eventline.kv;

import java.time.Duration;
import java.util.Optional;

/**
 * A conditional write refused ({@code 412}): the value's ETag was not the one given with {@code ifMatch}, or a
 * create-only put found the key holding a value. Read the value again and decide.
 */
public final class KvConflictException extends KvException {
    private static final long serialVersionUID = 1L;

    public KvConflictException(String type, String title, String detail, Optional<Duration> retryAfter) {
        super(412, type, title, detail, retryAfter);
    }
}

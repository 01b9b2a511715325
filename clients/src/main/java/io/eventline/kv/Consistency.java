package io.eventline.kv;

import java.util.Locale;

/** How fresh a read must be. */
public enum Consistency {
    /** Answered by the key's owner once it has applied everything the session's consistency token covers. */
    STRONG,
    /** Answered by any replica at once, possibly behind; the answer says by how much. */
    EVENTUAL;

    /** The value of the {@code consistency} query parameter. */
    String queryValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}

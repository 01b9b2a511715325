package io.eventline.kv;

/** What a namespace makes of writes to one key made concurrently in two data centres. */
public enum ConflictPolicy {
    /** Every concurrent value is kept; a read answers them all until a write with their ETag resolves them. */
    SIBLINGS("siblings"),
    /** The later by hybrid logical clock is kept; the other is recorded on {@code kv.conflicts.v1}. */
    LAST_WRITER_WINS("last-writer-wins");

    private final String wireName;

    ConflictPolicy(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the namespace's {@code conflicts} field. */
    String wireName() {
        return wireName;
    }
}

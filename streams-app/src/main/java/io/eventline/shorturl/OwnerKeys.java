package io.eventline.shorturl;

/**
 * Keys of the by-owner index. Reversing the creation time makes an ascending range scan return the
 * newest link first, and the key itself serves as the paging cursor.
 */
public final class OwnerKeys {
    private static final char SEPARATOR = '\u0000';

    private OwnerKeys() {
    }

    public static String of(String ownerId, long createdAtMillis, String code) {
        return prefix(ownerId) + String.format("%019d", Long.MAX_VALUE - createdAtMillis) + SEPARATOR + code;
    }

    /** Every key of one owner starts with this. */
    public static String prefix(String ownerId) {
        return ownerId + SEPARATOR;
    }
}

package io.eventline.auth;

import java.util.regex.Pattern;

/** What a user ID may be: it appears in store keys, so no control characters. */
public final class Users {
    private static final Pattern VALID = Pattern.compile("[^\\p{Cntrl}]{1,128}");

    private Users() {
    }

    public static boolean isValidId(String id) {
        return VALID.matcher(id).matches();
    }
}

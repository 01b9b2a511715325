package io.eventline.auth;

import java.util.Set;

/** The caller of an API request: the token's subject and roles. */
public record Principal(String userId, Set<String> roles) {
    public static final String ADMIN = "admin";
    public static final String SERVICE = "service";

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }

    /** True for the owner of a resource or an admin. */
    public boolean mayRead(String ownerId) {
        return userId.equals(ownerId) || isAdmin();
    }
}

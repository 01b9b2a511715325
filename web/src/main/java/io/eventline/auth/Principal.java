package io.eventline.auth;

import java.util.Optional;
import java.util.Set;

/**
 * The caller of an API request: the token's subject and roles, and for a service the rate-limit domains its token
 * names (empty when the token has no {@code domains} claim).
 */
public record Principal(String userId, Set<String> roles, Optional<Set<String>> domains) {
    public static final String ADMIN = "admin";
    public static final String SERVICE = "service";

    public Principal {
        domains = domains.map(Set::copyOf);
    }

    /** A caller whose token names no domains. */
    public Principal(String userId, Set<String> roles) {
        this(userId, roles, Optional.empty());
    }

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }

    /** True for the owner of a resource or an admin. */
    public boolean mayRead(String ownerId) {
        return userId.equals(ownerId) || isAdmin();
    }
}

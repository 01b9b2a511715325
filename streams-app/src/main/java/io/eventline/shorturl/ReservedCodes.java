package io.eventline.shorturl;

import java.util.Locale;
import java.util.Set;

/**
 * Words that name the service's own routes and so can never be codes, neither chosen nor generated; compared
 * without regard to case.
 */
public final class ReservedCodes {
    public static final Set<String> WORDS = Set.of("api", "health", "ready", "metrics", "ws", "ops", "docs",
            "openapi", "openapi.json", "internal", "admin", "static", "assets", "webjars", "favicon.ico",
            "robots.txt", "login", "logout", "signup", "register", "dashboard", "status", "well-known",
            ".well-known", "eventline", "shorturl", "urls", "operations", "feed", "chat", "notifications");

    private ReservedCodes() {
    }

    public static boolean isReserved(String code) {
        return WORDS.contains(code.toLowerCase(Locale.ROOT));
    }
}

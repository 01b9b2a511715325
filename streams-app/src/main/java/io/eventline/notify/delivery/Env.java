package io.eventline.notify.delivery;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/** Reads environment-style variables, treating blank values as unset. */
final class Env {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Function<String, String> lookup;

    Env(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    String get(String name) {
        final String value = lookup.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    String get(String name, String fallback) {
        final String value = get(name);
        return value == null ? fallback : value;
    }

    boolean allSet(String... names) {
        for (String name : names) {
            if (get(name) == null) {
                return false;
            }
        }
        return true;
    }

    URI uri(String name, String fallback) {
        final String value = get(name, fallback);
        try {
            return URI.create(stripTrailingSlash(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URL: " + value, e);
        }
    }

    Path path(String name) {
        final String value = get(name);
        return value == null ? null : Path.of(value);
    }

    int integer(String name, int fallback) {
        final String value = get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + value, e);
        }
    }

    boolean bool(String name, boolean fallback) {
        final String value = get(name);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(name + " is not a boolean: " + value);
        };
    }

    static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

package io.eventline.ops;

import io.eventline.http.ProblemException;
import io.eventline.ratelimit.DescriptorEntry;
import io.eventline.ratelimit.RateLimitKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of key whose story an operator may ask for, as named in {@code /api/v1/admin/keys/{kind}/{key}}. Each
 * domain says where it keeps each kind ({@link KeyPlaces}); the key a topic or store is searched for is the
 * {@link #canonical canonical} form of what the operator typed.
 */
public enum KeyKind {
    /** A user ID. */
    USER,
    /** A short link's code. */
    SHORTURL,
    /** A chat channel's ID. */
    CHANNEL,
    /**
     * A rate-limit counter: {@code [domain:]key=value,key=value...}, the descriptor the limiter counts under (the
     * instance's own limiting domain when none is named), searched for as its counter key
     * ({@link RateLimitKeys#counterKey}).
     */
    RATELIMIT;

    /** The longest key accepted: IDs and descriptors are far shorter. */
    public static final int MAX_KEY_LENGTH = 512;
    private static final int MAX_DESCRIPTOR_ENTRIES = 8;

    /** The kind as its path segment names it. */
    public String pathName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code pathName}, if there is one. */
    public static Optional<KeyKind> named(String pathName) {
        for (KeyKind kind : values()) {
            if (kind.pathName().equals(pathName)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /**
     * The key as topics and stores hold it; throws the 400 problem for a key that is empty, too long or holds
     * control characters (NUL separates the parts of stored keys), or a descriptor that cannot be read.
     *
     * @param rateLimitDomain the domain of a descriptor that names none
     */
    public String canonical(String key, String rateLimitDomain) {
        if (key == null || key.isBlank()) {
            throw invalid("the key is empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw invalid("the key is longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw invalid("the key holds control characters");
        }
        return this == RATELIMIT ? counterKey(key, rateLimitDomain) : key;
    }

    private static String counterKey(String descriptor, String defaultDomain) {
        final int colon = descriptor.indexOf(':');
        // "domain:" only when what comes before the first colon is no key=value (an ip value may hold colons)
        final boolean named = colon > 0 && descriptor.substring(0, colon).indexOf('=') < 0;
        final String domain = named ? descriptor.substring(0, colon).trim() : defaultDomain;
        final String entries = named ? descriptor.substring(colon + 1) : descriptor;
        final List<DescriptorEntry> parsed = new ArrayList<>();
        for (String pair : entries.split(",", -1)) {
            final int eq = pair.indexOf('=');
            if (eq <= 0 || pair.substring(0, eq).isBlank()) {
                throw invalid("'" + pair + "' is not key=value; a descriptor reads [domain:]key=value,key=value");
            }
            parsed.add(new DescriptorEntry(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim()));
        }
        if (domain.isEmpty() || parsed.size() > MAX_DESCRIPTOR_ENTRIES) {
            throw invalid("a descriptor names a domain and 1-" + MAX_DESCRIPTOR_ENTRIES + " key=value entries");
        }
        return RateLimitKeys.counterKey(domain, parsed);
    }

    private static ProblemException invalid(String detail) {
        return ProblemException.badRequest(detail, List.of(new ProblemException.FieldError("/key", detail)));
    }
}

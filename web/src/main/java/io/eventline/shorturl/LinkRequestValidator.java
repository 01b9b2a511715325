package io.eventline.shorturl;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.http.ProblemException;
import io.eventline.http.ProblemException.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a {@code POST /api/v1/urls} body; every defect is reported at once with a JSON pointer. */
final class LinkRequestValidator {
    static final int MAX_URL_CODE_POINTS = 2048;
    private static final Pattern ALIAS = Pattern.compile("[0-9A-Za-z_-]{3,32}");

    /** A valid request. */
    record LinkRequest(String url, int redirect, String customCode) {
    }

    private final Set<String> ownHosts;

    /** @param ownHosts {@code host:port} pairs of the service itself, which links may not point back to */
    LinkRequestValidator(Set<String> ownHosts) {
        this.ownHosts = ownHosts;
    }

    LinkRequest validate(JsonNode body) {
        final List<FieldError> errors = new ArrayList<>();
        final String url = url(body.get("url"), errors);
        final int redirect = redirect(body.get("redirect"), errors);
        final String code = alias(body.get("code"), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors.size() == 1 ? errors.get(0).detail()
                    : "the request has " + errors.size() + " invalid fields", errors);
        }
        return new LinkRequest(url, redirect, code);
    }

    private String url(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("/url", "url is required"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("/url", "url must be a string"));
            return null;
        }
        final String url = node.asText().strip();
        if (url.codePointCount(0, url.length()) > MAX_URL_CODE_POINTS) {
            errors.add(new FieldError("/url", "url must be at most " + MAX_URL_CODE_POINTS + " characters"));
            return null;
        }
        final URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            errors.add(new FieldError("/url", "url is not a valid URI: " + e.getReason()));
            return null;
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            errors.add(new FieldError("/url", "url must be an absolute http or https URL"
                    + (scheme.isEmpty() ? "" : ", not " + scheme + ":")));
            return null;
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            errors.add(new FieldError("/url", "url must name a host"));
            return null;
        }
        final int port = uri.getPort() > 0 ? uri.getPort() : (scheme.equals("https") ? 443 : 80);
        if (ownHosts.contains(uri.getHost().toLowerCase(Locale.ROOT) + ":" + port)) {
            errors.add(new FieldError("/url", "url must not point at this shortener (it would redirect to itself)"));
            return null;
        }
        return url;
    }

    private static int redirect(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return 302;
        }
        if (!node.isInt() || (node.asInt() != 301 && node.asInt() != 302)) {
            errors.add(new FieldError("/redirect", "redirect must be 301 or 302"));
            return 302;
        }
        return node.asInt();
    }

    private static String alias(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !ALIAS.matcher(node.asText()).matches()) {
            errors.add(new FieldError("/code", "code must be 3 to 32 characters of [0-9A-Za-z_-]"));
            return null;
        }
        if (ReservedCodes.isReserved(node.asText())) {
            errors.add(new FieldError("/code", "code '" + node.asText() + "' is reserved for the service's own routes"));
            return null;
        }
        return node.asText();
    }
}

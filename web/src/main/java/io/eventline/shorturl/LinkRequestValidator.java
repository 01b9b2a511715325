package io.eventline.shorturl;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.http.ProblemException;
import io.eventline.http.ProblemException.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a {@code POST /api/v1/urls} body; every defect is reported at once with a JSON pointer. */
final class LinkRequestValidator {
    static final int MAX_URL_CODE_POINTS = LinkUrls.MAX_CODE_POINTS;
    private static final Pattern ALIAS = Pattern.compile("[0-9A-Za-z_-]{3,32}");

    /** A valid request. */
    record LinkRequest(String url, int redirect, String customCode) {
    }

    private final LinkUrls links;

    /** @param links what a link may point to, and its ASCII form */
    LinkRequestValidator(LinkUrls links) {
        this.links = links;
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
        try {
            return links.canonical(node.asText());
        } catch (LinkUrls.InvalidLinkException e) {
            errors.add(new FieldError("/url", e.getMessage()));
            return null;
        }
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

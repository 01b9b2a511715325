package io.eventline.http;

import io.eventline.http.ProblemException.FieldError;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Refuses a query string with a parameter whose percent-encoding is broken ({@code ?cursor=%%%}): Javalin drops
 * such a parameter, so a route would answer as if it had not been sent, e.g. with the first page.
 */
final class QueryStrings {
    private QueryStrings() {
    }

    /** Before-handler for every route: a 400 problem naming the first parameter that cannot be decoded. */
    static void requireDecodable(Context ctx) {
        final String query = ctx.queryString();
        if (query == null || query.isEmpty()) {
            return;
        }
        for (String pair : query.split("&")) {
            final int equals = pair.indexOf('=');
            final String name = equals < 0 ? pair : pair.substring(0, equals);
            final String decodedName = decode(name);
            if (decodedName == null || equals >= 0 && decode(pair.substring(equals + 1)) == null) {
                final String parameter = decodedName == null ? name : decodedName;
                throw ProblemException.badRequest("the query parameter " + parameter
                        + " is not validly percent-encoded", List.of(new FieldError("/" + parameter,
                        "is not validly percent-encoded (RFC 3986)")));
            }
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

package io.eventline.crawler;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives every URL the crawler meets one spelling, so that one page is queued, counted and de-duplicated once:
 * an absolute http(s) URL is normalised, a relative reference is first resolved against its page (RFC 3986
 * section 5.2). The normal form: scheme and host lower-cased (an international host in punycode, a trailing dot
 * dropped), user info and the default port dropped, {@code .} and {@code ..} segments removed, an empty path
 * made {@code /}, percent-encoding normalised where it cannot change the meaning (unreserved characters decoded,
 * hex digits upper-cased, characters a URL may not hold encoded as UTF-8), a {@code ;jsessionid=} path parameter
 * dropped, query parameters sorted by name and value with the tracking ones ({@link #TRACKING_PARAMETERS},
 * {@code utm_*}) dropped, and the fragment dropped. Refuses, with a reason, what is not an http(s) URL with a
 * host, and URLs longer than the cap.
 */
public final class UrlNormalizer {
    public static final String TOO_LONG = "too-long";
    public static final String UNSUPPORTED_SCHEME = "unsupported-scheme";
    public static final String MALFORMED = "malformed";
    public static final String NO_HOST = "no-host";
    public static final String BAD_HOST = "bad-host";
    public static final String BAD_PORT = "bad-port";

    /**
     * Query parameters that name a campaign, a click or a session rather than a resource; any parameter starting
     * with {@code utm_} too. Compared lower-cased.
     */
    public static final Set<String> TRACKING_PARAMETERS = Set.of("gclid", "gbraid", "wbraid", "dclid", "fbclid",
            "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
            "jsessionid", "phpsessid");

    /** RFC 3986 appendix B: scheme, authority, path, query, fragment. */
    private static final Pattern PARTS =
            Pattern.compile("^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\\?([^#]*))?(?:#.*)?$", Pattern.DOTALL);
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("(?:[0-9]+|0x[0-9a-f]*)");
    private static final Pattern SESSION_IN_PATH = Pattern.compile(";jsessionid=[^/]*", Pattern.CASE_INSENSITIVE);
    /** Tab and line breaks inside a URL are dropped, as browsers do with hrefs split over lines. */
    private static final Pattern TAB_OR_NEWLINE = Pattern.compile("[\\t\\n\\r]");
    private static final String HEX = "0123456789ABCDEF";
    /** What may stand unencoded in a path segment besides unreserved characters: sub-delims, ':' and '@'. */
    private static final String PATH_EXTRA = "!$&'()*+,;=:@/";
    /** In a query parameter '&' separates parameters, so it is no longer a plain character there. */
    private static final String QUERY_EXTRA = "!$'()*+,;=:@/?";

    private final int maxLength;

    /** @param maxLength longest URL taken, in characters, before and after normalisation */
    public UrlNormalizer(int maxLength) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("maxLength must be positive");
        }
        this.maxLength = maxLength;
    }

    /** The normal form of the absolute URL {@code url}, or why it is refused. */
    public Checked<String> normalize(String url) {
        return resolve(null, url);
    }

    /**
     * The normal form of {@code reference} resolved against {@code base} (the page it was found on, or its
     * {@code <base href>}), or why it is refused. {@code base} may be null when {@code reference} is absolute.
     */
    public Checked<String> resolve(String base, String reference) {
        if (reference == null) {
            return Checked.refused(MALFORMED, "no URL");
        }
        final String cleaned = TAB_OR_NEWLINE.matcher(reference.strip()).replaceAll("");
        if (cleaned.length() > maxLength) {
            return tooLong(cleaned.length());
        }
        final Parts ref = Parts.of(cleaned);
        if (ref == null) {
            return Checked.refused(MALFORMED, "not a URI reference");
        }
        final Parts target;
        if (ref.scheme != null) {
            target = ref;
        } else {
            final Parts parsedBase = base == null ? null : Parts.of(TAB_OR_NEWLINE.matcher(base.strip())
                    .replaceAll(""));
            if (parsedBase == null || parsedBase.scheme == null) {
                return Checked.refused(MALFORMED, "a relative reference needs an absolute base");
            }
            target = resolve(parsedBase, ref);
        }
        return normalize(target);
    }

    private Checked<String> normalize(Parts url) {
        if (!SCHEME.matcher(url.scheme).matches()) {
            return Checked.refused(MALFORMED, "invalid scheme");
        }
        final String scheme = url.scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Checked.refused(UNSUPPORTED_SCHEME, scheme + ": is not fetched");
        }
        if (url.authority == null) {
            return Checked.refused(NO_HOST, "no authority");
        }
        final String hostPort = url.authority.substring(url.authority.lastIndexOf('@') + 1);
        final Checked<String> authority = authority(scheme, hostPort);
        if (!authority.passed()) {
            return authority;
        }
        String path = SESSION_IN_PATH.matcher(url.path).replaceAll("");
        path = removeDotSegments(encode(path, PATH_EXTRA));
        if (path.isEmpty()) {
            path = "/";
        }
        final String query = url.query == null ? "" : query(url.query);
        final String normal = scheme + "://" + authority.value() + path + (query.isEmpty() ? "" : "?" + query);
        if (normal.length() > maxLength) {
            return tooLong(normal.length());
        }
        return Checked.ok(normal);
    }

    private Checked<String> tooLong(int length) {
        return Checked.refused(TOO_LONG, length + " characters, more than " + maxLength);
    }

    private static Checked<String> authority(String scheme, String hostPort) {
        final int close = hostPort.startsWith("[") ? hostPort.indexOf(']') : -1;
        if (hostPort.startsWith("[") && close < 0) {
            return Checked.refused(BAD_HOST, "unclosed IPv6 literal");
        }
        final int colon = hostPort.indexOf(':', Math.max(close, 0));
        final String rawHost = colon < 0 ? hostPort : hostPort.substring(0, colon);
        final String rawPort = colon < 0 ? "" : hostPort.substring(colon + 1);
        final Checked<String> host = close >= 0 ? ipv6Literal(rawHost) : host(rawHost);
        if (!host.passed()) {
            return host;
        }
        if (rawPort.isEmpty()) {
            return host;
        }
        final int port;
        try {
            port = rawPort.length() > 5 ? -1 : Integer.parseInt(rawPort);
        } catch (NumberFormatException e) {
            return Checked.refused(BAD_PORT, "port " + rawPort + " is not a number");
        }
        if (port < 1 || port > 65_535) {
            return Checked.refused(BAD_PORT, "port " + rawPort + " is out of range");
        }
        final int defaultPort = scheme.equals("https") ? 443 : 80;
        return Checked.ok(port == defaultPort ? host.value() : host.value() + ":" + port);
    }

    private static Checked<String> ipv6Literal(String bracketed) {
        final String inner = bracketed.substring(1, bracketed.length() - 1).toLowerCase(Locale.ROOT);
        if (inner.isEmpty() || !inner.matches("[0-9a-f:.]+")) {
            return Checked.refused(BAD_HOST, "invalid IPv6 literal");
        }
        return Checked.ok("[" + inner + "]");
    }

    private static Checked<String> host(String raw) {
        String host = decodeUnreserved(raw).toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            return Checked.refused(NO_HOST, "empty host");
        }
        try {
            host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Checked.refused(BAD_HOST, "invalid international host name");
        }
        if (!HOST_NAME.matcher(host).matches()) {
            return Checked.refused(BAD_HOST, "invalid host name");
        }
        // a host ending in a number is read as an IPv4 address by browsers (127.1, 0x7f000001): only the
        // dotted-quad spelling is taken, so every address has one form and no resolver guesses at the others
        final String lastLabel = host.substring(host.lastIndexOf('.') + 1);
        if (NUMERIC_LABEL.matcher(lastLabel).matches() && !AddressRange.DOTTED_QUAD.matcher(host).matches()) {
            return Checked.refused(BAD_HOST, "an IPv4 address must be written as four decimal numbers");
        }
        return Checked.ok(host);
    }

    private static String query(String raw) {
        final List<String[]> kept = new ArrayList<>();
        for (String parameter : raw.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            final String normal = encode(parameter, QUERY_EXTRA);
            final int equals = normal.indexOf('=');
            final String name = equals < 0 ? normal : normal.substring(0, equals);
            final String value = equals < 0 ? "" : normal.substring(equals);
            final String lowerName = name.toLowerCase(Locale.ROOT);
            if (lowerName.startsWith("utm_") || TRACKING_PARAMETERS.contains(lowerName)) {
                continue;
            }
            kept.add(new String[]{name, value});
        }
        kept.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        final StringBuilder query = new StringBuilder();
        for (String[] parameter : kept) {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(parameter[0]).append(parameter[1]);
        }
        return query.toString();
    }

    /**
     * {@code raw} with unreserved characters decoded, other escapes' hex digits upper-cased, a stray '%' escaped,
     * and every character that is neither unreserved nor in {@code allowed} escaped as UTF-8.
     */
    static String encode(String raw, String allowed) {
        final StringBuilder out = new StringBuilder(raw.length() + 8);
        int i = 0;
        while (i < raw.length()) {
            final char c = raw.charAt(i);
            if (c == '%') {
                final int decoded = escapedByte(raw, i);
                if (decoded < 0) {
                    out.append("%25");
                } else if (unreserved(decoded)) {
                    out.append((char) decoded);
                } else {
                    appendEscape(out, decoded);
                }
                i += decoded < 0 ? 1 : 3;
            } else if (unreserved(c) || allowed.indexOf(c) >= 0) {
                out.append(c);
                i++;
            } else {
                final int codePoint = raw.codePointAt(i);
                for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
                    appendEscape(out, b & 0xFF);
                }
                i += Character.charCount(codePoint);
            }
        }
        return out.toString();
    }

    private static String decodeUnreserved(String raw) {
        return raw.indexOf('%') < 0 ? raw : encode(raw, PATH_EXTRA);
    }

    private static int escapedByte(String raw, int percent) {
        if (percent + 2 >= raw.length()) {
            return -1;
        }
        final int high = Character.digit(raw.charAt(percent + 1), 16);
        final int low = Character.digit(raw.charAt(percent + 2), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    private static void appendEscape(StringBuilder out, int b) {
        out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xF));
    }

    private static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 section 5.2.2, without the dot-segment removal, which {@link #normalize(Parts)} does last. */
    private static Parts resolve(Parts base, Parts ref) {
        if (ref.authority != null) {
            return new Parts(base.scheme, ref.authority, ref.path, ref.query);
        }
        if (ref.path.isEmpty()) {
            return new Parts(base.scheme, base.authority, base.path, ref.query != null ? ref.query : base.query);
        }
        if (ref.path.startsWith("/")) {
            return new Parts(base.scheme, base.authority, ref.path, ref.query);
        }
        final String merged = base.authority != null && base.path.isEmpty()
                ? "/" + ref.path
                : base.path.substring(0, base.path.lastIndexOf('/') + 1) + ref.path;
        return new Parts(base.scheme, base.authority, merged, ref.query);
    }

    /** RFC 3986 section 5.2.4, on whole segments. */
    static String removeDotSegments(String path) {
        final List<String> output = new ArrayList<>();
        final String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            final String segment = segments[i];
            final boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.equals("..")) {
                if (segment.equals("..") && output.size() > 1) {
                    output.remove(output.size() - 1);
                }
                if (last) {
                    output.add("");
                }
            } else {
                output.add(segment);
            }
        }
        final String joined = String.join("/", output);
        return path.startsWith("/") && !joined.startsWith("/") ? "/" + joined : joined;
    }

    private static final class Parts {
        private final String scheme;
        private final String authority;
        private final String path;
        private final String query;

        private Parts(String scheme, String authority, String path, String query) {
            this.scheme = scheme;
            this.authority = authority;
            this.path = path;
            this.query = query;
        }

        static Parts of(String reference) {
            final Matcher matcher = PARTS.matcher(reference);
            if (!matcher.matches()) {
                return null;
            }
            return new Parts(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4));
        }
    }
}

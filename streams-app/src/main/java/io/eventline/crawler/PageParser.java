package io.eventline.crawler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Reads a fetched HTML page with jsoup: its title, its links ({@code a[href]} and {@code area[href]}, resolved
 * against the page's {@code <base href>} or else its URL, normalised, de-duplicated, capped), its robots meta tag
 * ({@code robots} or the crawler's own token; {@code none} is both {@code noindex} and {@code nofollow}), its
 * visible text (scripts, styles and templates left out, capped in UTF-8 bytes) and a hash of that text.
 */
public final class PageParser {
    private static final int MAX_TITLE_CHARS = 512;
    private static final String INVISIBLE = "script, style, noscript, template";

    private final UrlNormalizer normalizer;
    private final int maxOutlinks;
    private final int maxTextBytes;
    private final String robotsToken;

    public PageParser(CrawlerSettings settings) {
        this.normalizer = new UrlNormalizer(settings.maxUrlLength());
        this.maxOutlinks = settings.maxOutlinks();
        this.maxTextBytes = settings.maxTextBytes();
        this.robotsToken = RobotsRules.token(settings.userAgent());
    }

    /**
     * @param body    the page's bytes
     * @param charset the {@code charset} the response named, or null to read it from the page (BOM, meta tag)
     * @param pageUrl the URL the page was fetched from, after redirects
     */
    public ParsedPage parse(byte[] body, String charset, String pageUrl) {
        final Document document;
        try {
            document = Jsoup.parse(new ByteArrayInputStream(body), supported(charset), pageUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final Set<String> directives = robotsDirectives(document);
        final boolean noindex = directives.contains("noindex") || directives.contains("none");
        final boolean nofollow = directives.contains("nofollow") || directives.contains("none");
        final String base = base(document, pageUrl);
        final Set<String> outlinks = new LinkedHashSet<>();
        int nofollowLinks = 0;
        int dropped = 0;
        for (Element link : document.select("a[href], area[href]")) {
            if (nofollow || relNofollow(link)) {
                nofollowLinks++;
                continue;
            }
            final Checked<String> url = normalizer.resolve(base, link.attr("href"));
            if (!url.passed() || (outlinks.size() >= maxOutlinks && !outlinks.contains(url.value()))) {
                dropped++;
                continue;
            }
            outlinks.add(url.value());
        }
        String title = document.title().strip();
        if (title.length() > MAX_TITLE_CHARS) {
            title = title.substring(0, MAX_TITLE_CHARS);
        }
        document.select(INVISIBLE).remove();
        final String text = document.body() == null ? "" : document.body().text();
        final String capped = capUtf8(text, maxTextBytes);
        return new ParsedPage(title, outlinks.stream().toList(), nofollowLinks, dropped, noindex, nofollow, capped,
                capped.length() < text.length(), sha256(text));
    }

    private static String supported(String charset) {
        try {
            return charset != null && Charset.isSupported(charset) ? charset : null;
        } catch (IllegalCharsetNameException e) {
            return null;
        }
    }

    private Set<String> robotsDirectives(Document document) {
        final Set<String> directives = new LinkedHashSet<>();
        for (Element meta : document.select("meta[name][content]")) {
            final String name = meta.attr("name").strip().toLowerCase(Locale.ROOT);
            if (name.equals("robots") || name.equals(robotsToken)) {
                for (String directive : meta.attr("content").toLowerCase(Locale.ROOT).split("[,\\s]+")) {
                    directives.add(directive.strip());
                }
            }
        }
        return directives;
    }

    /** The first {@code <base href>}, resolved against the page, as HTML reads it; else the page's URL. */
    private String base(Document document, String pageUrl) {
        final Element base = document.selectFirst("base[href]");
        if (base == null) {
            return pageUrl;
        }
        final Checked<String> resolved = normalizer.resolve(pageUrl, base.attr("href"));
        return resolved.passed() ? resolved.value() : pageUrl;
    }

    private static boolean relNofollow(Element link) {
        for (String rel : link.attr("rel").toLowerCase(Locale.ROOT).split("\\s+")) {
            if (rel.equals("nofollow")) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} cut to at most {@code maxBytes} UTF-8 bytes, never inside a character. */
    static String capUtf8(String text, int maxBytes) {
        if (text.length() * 3L <= maxBytes) {
            return text;
        }
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    static String sha256(String text) {
        try {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

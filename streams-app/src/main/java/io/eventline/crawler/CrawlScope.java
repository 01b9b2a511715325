package io.eventline.crawler;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Which URLs a crawl may fetch: those on its hosts, or on its domains and the hosts below them. */
public final class CrawlScope {
    private CrawlScope() {
    }

    /** The host of a normalised URL, lower-cased, or null when it has none. */
    public static String hostOf(String url) {
        try {
            final String host = new URI(url).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Whether {@code url} is within {@code config}'s scope. */
    public static boolean contains(CrawlConfig config, String url) {
        final String host = hostOf(url);
        if (host == null) {
            return false;
        }
        if (config.getHosts().contains(host)) {
            return true;
        }
        for (String domain : config.getDomains()) {
            if (host.equals(domain) || host.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }
}

package io.eventline.crawler;

import java.util.List;

/**
 * What a fetched HTML page holds for the crawl.
 *
 * @param title          the {@code <title>}, whitespace collapsed, or empty
 * @param outlinks       the followable links, resolved and normalised, in page order, without duplicates, at
 *                       most the cap; empty when the page says {@code nofollow}
 * @param nofollowLinks  links skipped for {@code rel="nofollow"}
 * @param droppedLinks   links past the cap, or not http(s), or malformed
 * @param noindex        the page asks not to be indexed ({@code <meta name="robots" content="noindex">})
 * @param nofollow       the page asks that its links not be followed
 * @param text           the visible text, whitespace collapsed, at most the cap in UTF-8 bytes
 * @param textTruncated  true when {@code text} was cut at the cap
 * @param contentHash    SHA-256 (hex) of the whole visible text, whitespace collapsed: equal for pages that
 *                       differ only in markup, for content-seen de-duplication
 */
public record ParsedPage(String title, List<String> outlinks, int nofollowLinks, int droppedLinks, boolean noindex,
                         boolean nofollow, String text, boolean textTruncated, String contentHash) {
    public ParsedPage {
        outlinks = List.copyOf(outlinks);
    }
}

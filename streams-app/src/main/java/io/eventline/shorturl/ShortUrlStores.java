package io.eventline.shorturl;

/** Names of the shortener's state stores; the web layer queries them by these constants. */
public final class ShortUrlStores {
    /** (user, redirect, long URL) to code: the same link asked for twice gets the same code. */
    public static final String DEDUPE = "shorturl-dedupe-store";
    /** Per-partition counters behind generated codes. */
    public static final String COUNTERS = "shorturl-counter-store";
    /** Code to link: the table every redirect reads. */
    public static final String LINKS = "shorturl-links-store";
    /** Owner's links, newest first: key {@code ownerId NUL reversed-millis NUL code}. */
    public static final String LINKS_BY_OWNER = "shorturl-links-by-owner-store";
    /** Clicks per code per minute, kept 25 hours. */
    public static final String CLICKS_BY_MINUTE = "shorturl-clicks-by-minute-store";
    /** Clicks per code since the link was made. */
    public static final String CLICK_TOTALS = "shorturl-click-totals-store";

    private ShortUrlStores() {
    }
}

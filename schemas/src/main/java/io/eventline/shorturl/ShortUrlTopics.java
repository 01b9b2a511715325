package io.eventline.shorturl;

import io.eventline.topics.Topic;
import java.util.List;

/** The shortener's topics. */
public final class ShortUrlTopics {
    /** Requests to create a link, keyed by the requesting user. */
    public static final Topic<ShortUrlRequested> REQUESTS =
            Topic.events("shorturl.requests.v1", "userId", ShortUrlRequested.class, ShortUrlRequested::getUserId);
    /** Every link that exists, keyed by code. */
    public static final Topic<LinkCreated> LINKS = Topic.table("shorturl.links.v1", "code", LinkCreated.class,
            LinkCreated::getCode);
    /** Every followed link, keyed by code. */
    public static final Topic<LinkClicked> CLICKS = Topic.events("shorturl.clicks.v1", "code", LinkClicked.class,
            LinkClicked::getCode);

    public static final List<Topic<?>> ALL = List.of(REQUESTS, LINKS, CLICKS);

    private ShortUrlTopics() {
    }
}

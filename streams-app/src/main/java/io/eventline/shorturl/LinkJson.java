package io.eventline.shorturl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON form of a link inside an operation outcome; the web layer adds {@code shortUrl}. */
public final class LinkJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LinkJson() {
    }

    public static String of(LinkCreated link) {
        final ObjectNode node = JSON.createObjectNode();
        node.put("code", link.getCode());
        node.put("url", link.getUrl());
        node.put("redirect", link.getRedirect());
        node.put("createdAt", link.getTimestamp().toString());
        return node.toString();
    }
}

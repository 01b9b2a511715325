package io.eventline.shorturl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON form of a link, as the API returns it. */
public final class LinkJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LinkJson() {
    }

    public static String of(LinkCreated link, String publicUrl) {
        return node(link, publicUrl).toString();
    }

    /** {@code {"code","shortUrl","url","redirect","createdAt"}}. */
    public static ObjectNode node(LinkCreated link, String publicUrl) {
        final ObjectNode node = JSON.createObjectNode();
        node.put("code", link.getCode());
        node.put("shortUrl", publicUrl + "/" + link.getCode());
        node.put("url", link.getUrl());
        node.put("redirect", link.getRedirect());
        node.put("createdAt", link.getTimestamp().toString());
        return node;
    }
}

package io.eventline.shorturl;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON form of a link, as the API returns it. */
public final class LinkJson {
    /** Builds nodes only; whoever writes them out uses the instance's configured mapper. */
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LinkJson() {
    }

    public static String of(LinkCreated link, String publicUrl) {
        return node(link, publicUrl).toString();
    }

    /** {@code {"code","shortUrl","url","redirect","createdAt"}}. */
    public static ObjectNode node(LinkCreated link, String publicUrl) {
        final ObjectNode node = NODES.objectNode();
        node.put("code", link.getCode());
        node.put("shortUrl", publicUrl + "/" + link.getCode());
        node.put("url", link.getUrl());
        node.put("redirect", link.getRedirect());
        node.put("createdAt", link.getTimestamp().toString());
        return node;
    }
}

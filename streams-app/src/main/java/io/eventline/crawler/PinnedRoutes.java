package io.eventline.crawler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a plain-http request to the address the {@link AddressGuard} checked, not to whatever a second lookup of
 * the name answers: the checked address stands as the request's "proxy", so the client connects to it and sends
 * the request line in absolute form ({@code GET http://host/path}), which every HTTP/1.1 server must accept
 * (RFC 9112 section 3.2.2) and which carries the original host. https requests go direct: a tunnel through a
 * "proxy" would be a {@code CONNECT} the server does not expect, so for them the client resolves the name again
 * (see {@link PageFetcher}).
 */
final class PinnedRoutes extends ProxySelector {
    /** Pins are set right before each request; only the most recent few thousand hosts are remembered. */
    private static final int MAX_PINS = 4096;

    private final Map<String, InetSocketAddress> pins = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, InetSocketAddress> eldest) {
                    return size() > MAX_PINS;
                }
            });

    /** Routes the next requests to {@code uri}'s host and port to {@code address}, when it is plain http. */
    void pin(URI uri, InetAddress address) {
        if (plainHttp(uri)) {
            pins.put(key(uri), new InetSocketAddress(address, port(uri)));
        }
    }

    @Override
    public List<Proxy> select(URI uri) {
        final InetSocketAddress pinned = plainHttp(uri) ? pins.get(key(uri)) : null;
        return List.of(pinned == null ? Proxy.NO_PROXY : new Proxy(Proxy.Type.HTTP, pinned));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // the fetcher reports the failure; there is no other route to try
    }

    private static boolean plainHttp(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme());
    }

    private static String key(URI uri) {
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port(uri);
    }

    private static int port(URI uri) {
        return uri.getPort() < 0 ? 80 : uri.getPort();
    }
}

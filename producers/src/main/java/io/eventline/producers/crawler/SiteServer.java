package io.eventline.producers.crawler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The generated site on one listener a host (the JDK's HTTP server, one address each, one port for all). Each
 * listener answers on its own dispatcher thread, so a host's requests are recorded in the order it read them and
 * the hosts never wait on each other. {@code GET /_stats} on any listener answers the report and is not counted.
 */
public final class SiteServer implements AutoCloseable {
    static final String STATS_PATH = "/_stats";
    private static final byte[] ROBOTS = "User-agent: *\nAllow: /\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_FOUND = "not found\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SiteLayout layout;
    private final SitePages pages;
    private final SiteStats stats;
    private final List<HttpServer> listeners;

    private SiteServer(SiteLayout layout, SitePages pages, SiteStats stats, List<HttpServer> listeners) {
        this.layout = layout;
        this.pages = pages;
        this.stats = stats;
        this.listeners = listeners;
    }

    /**
     * Binds one listener a host of {@code layout} and starts them; port 0 takes the port the first one gets for
     * all of them.
     *
     * @param expectedGapMs a politeness delay the report counts shorter gaps against, or 0
     */
    public static SiteServer start(SiteLayout layout, int pageBytes, long expectedGapMs) throws IOException {
        // the JDK server leaves Nagle's algorithm on unless asked, which stalls a keep-alive connection's responses
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        final List<HttpServer> listeners = new ArrayList<>(layout.hosts());
        int port = layout.port();
        try {
            for (int host = 1; host <= layout.hosts(); host++) {
                final HttpServer listener = HttpServer.create(new InetSocketAddress(layout.address(host), port), 512);
                port = listener.getAddress().getPort();
                listeners.add(listener);
            }
        } catch (IOException e) {
            listeners.forEach(listener -> listener.stop(0));
            throw new IOException("cannot listen on " + layout.addressText(listeners.size() + 1) + ":" + port
                    + " (" + e.getMessage() + ")", e);
        }
        final SiteLayout bound = layout.onPort(port);
        final SiteServer server = new SiteServer(bound, new SitePages(bound, pageBytes),
                new SiteStats(bound, expectedGapMs), listeners);
        for (int host = 1; host <= listeners.size(); host++) {
            final int served = host;
            listeners.get(host - 1).createContext("/", exchange -> server.answer(served, exchange));
            listeners.get(host - 1).start();
        }
        return server;
    }

    public SiteLayout layout() {
        return layout;
    }

    public SiteStats stats() {
        return stats;
    }

    private void answer(int host, HttpExchange exchange) throws IOException {
        final long arrivalNanos = System.nanoTime();
        final long arrivalMillis = System.currentTimeMillis();
        try (exchange) {
            final String path = exchange.getRequestURI().getRawPath();
            if (STATS_PATH.equals(path)) {
                send(exchange, 200, "application/json", JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(stats.report()));
                return;
            }
            final int index = layout.indexOf(host, path);
            stats.record(host, arrivalNanos, arrivalMillis, path, index);
            if (index >= 0) {
                send(exchange, 200, "text/html; charset=utf-8", pages.render(host, index));
            } else if ("/robots.txt".equals(path)) {
                send(exchange, 200, "text/plain; charset=utf-8", ROBOTS);
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", NOT_FOUND);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        listeners.forEach(listener -> listener.stop(0));
    }
}

package io.eventline.producers.crawler;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The generated site on Jetty: one connector a host (one address each, one port for all), one selector thread
 * each, and a handler that never blocks, so a request is answered on the thread that read it, with no hand-off.
 * {@code GET /_stats} on any listener answers the report and is not counted.
 */
public final class SiteServer implements AutoCloseable {
    static final String STATS_PATH = "/_stats";
    private static final ByteBuffer ROBOTS = ByteBuffer.wrap("User-agent: *\nAllow: /\n"
            .getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    private static final ByteBuffer NOT_FOUND = ByteBuffer.wrap("not found\n".getBytes(StandardCharsets.US_ASCII))
            .asReadOnlyBuffer();
    private static final String HTML = "text/html; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final SiteLayout layout;
    private final SitePages pages;
    private final SiteStats stats;

    private SiteServer(Server server, SiteLayout layout, SitePages pages, SiteStats stats) {
        this.server = server;
        this.layout = layout;
        this.pages = pages;
        this.stats = stats;
    }

    /**
     * Binds one listener a host of {@code layout} and starts them; port 0 takes the port the first one gets for
     * all of them.
     *
     * @param expectedGapMs a politeness delay the report counts shorter gaps against, or 0
     */
    public static SiteServer start(SiteLayout layout, int pageBytes, long expectedGapMs) throws IOException {
        // a selector a host plus a few threads for what cannot run on one (Jetty's own housekeeping)
        final QueuedThreadPool threads = new QueuedThreadPool(layout.hosts() + 32, layout.hosts() + 4);
        threads.setName("crawl-site");
        final Server jetty = new Server(threads);
        final HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        int port = layout.port();
        try {
            for (int host = 1; host <= layout.hosts(); host++) {
                final ServerConnector connector = new ServerConnector(jetty, 0, 1, new HttpConnectionFactory(http));
                connector.setHost(layout.addressText(host));
                connector.setPort(port);
                connector.setAcceptQueueSize(512);
                connector.open();
                port = connector.getLocalPort();
                jetty.addConnector(connector);
            }
        } catch (IOException e) {
            closeQuietly(jetty);
            throw new IOException("cannot listen on " + layout.addressText(jetty.getConnectors().length + 1) + ":"
                    + port + " (" + e.getMessage() + ")", e);
        }
        final SiteLayout bound = layout.onPort(port);
        final SiteServer site = new SiteServer(jetty, bound, new SitePages(bound, pageBytes),
                new SiteStats(bound, expectedGapMs));
        jetty.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws IOException {
                site.answer(request, response, callback);
                return true;
            }
        });
        try {
            jetty.start();
        } catch (Exception e) {
            closeQuietly(jetty);
            throw new IOException("cannot start the site: " + e.getMessage(), e);
        }
        return site;
    }

    public SiteLayout layout() {
        return layout;
    }

    public SiteStats stats() {
        return stats;
    }

    private void answer(Request request, Response response, Callback callback) throws IOException {
        final long arrivalNanos = System.nanoTime();
        final long arrivalMillis = System.currentTimeMillis();
        final String path = request.getHttpURI().getPath();
        if (STATS_PATH.equals(path)) {
            send(response, callback, 200, "application/json",
                    ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stats.report())));
            return;
        }
        final int host = hostOf(request.getConnectionMetaData().getLocalSocketAddress());
        if (host < 1) {
            send(response, callback, 404, TEXT, NOT_FOUND.duplicate());
            return;
        }
        final int index = layout.indexOf(host, path);
        stats.record(host, arrivalNanos, arrivalMillis, path, index);
        if (index >= 0) {
            send(response, callback, 200, HTML, ByteBuffer.wrap(pages.render(host, index)));
        } else if ("/robots.txt".equals(path)) {
            send(response, callback, 200, TEXT, ROBOTS.duplicate());
        } else {
            send(response, callback, 404, TEXT, NOT_FOUND.duplicate());
        }
    }

    private int hostOf(SocketAddress local) {
        if (local instanceof InetSocketAddress address && address.getAddress() != null) {
            return layout.hostAt(address.getAddress());
        }
        return 0;
    }

    private static void send(Response response, Callback callback, int status, String contentType, ByteBuffer body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.remaining());
        if (HttpMethod.HEAD.is(response.getRequest().getMethod())) {
            response.write(true, null, callback);
        } else {
            response.write(true, body, callback);
        }
    }

    private static void closeQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
            // already failing; the first error is the one reported
        }
        for (var connector : jetty.getConnectors()) {
            if (connector instanceof ServerConnector server) {
                server.close();
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
    }
}

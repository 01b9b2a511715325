package io.eventline.crawler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A web site on 127.0.0.1 over a real socket, one handler a path, recording the requests it was sent. */
final class TestSite implements AutoCloseable {
    /** One request as the server read it. */
    record Seen(String path, String host, String userAgent, String ifNoneMatch, String ifModifiedSince,
                String requestLine) {
    }

    /** Answers one request. */
    @FunctionalInterface
    interface Page {
        void answer(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Slow pages wait on this; closing the site releases them. */
    private final CountDownLatch released = new CountDownLatch(1);

    TestSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                final String path = exchange.getRequestURI().getRawPath();
                seen.add(new Seen(path, exchange.getRequestHeaders().getFirst("Host"),
                        exchange.getRequestHeaders().getFirst("User-Agent"),
                        exchange.getRequestHeaders().getFirst("If-None-Match"),
                        exchange.getRequestHeaders().getFirst("If-Modified-Since"),
                        exchange.getRequestMethod() + " " + exchange.getRequestURI()));
                final Page page = pages.get(path);
                if (page == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    page.answer(exchange);
                }
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Serves {@code page} at {@code path}; null removes the path (404). */
    TestSite page(String path, Page page) {
        if (page == null) {
            pages.remove(path);
        } else {
            pages.put(path, page);
        }
        return this;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** A page answering {@code status} with {@code body} of {@code contentType} and extra header pairs. */
    static Page answer(int status, String contentType, String body, String... headers) {
        return exchange -> {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            if (contentType != null) {
                exchange.getResponseHeaders().add("Content-Type", contentType);
            }
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        };
    }

    static Page redirect(int status, String location) {
        return answer(status, null, "", "Location", location);
    }

    /** Waits until the site closes, after sending the headers first when {@code headersFirst}. */
    Page stall(boolean headersFirst) {
        return exchange -> {
            if (headersFirst) {
                exchange.getResponseHeaders().add("Content-Type", "text/html");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("<html><body>".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
            }
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}

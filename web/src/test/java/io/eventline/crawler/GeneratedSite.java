package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A site of {@code hosts} hosts, {@code h1.gen.test} … each on an address of its own ({@code 127.0.2.1} …, one
 * port), each with {@code pagesPerHost} pages in a binary tree below {@code /} that every page links back to. Each
 * page takes {@code answerMs} to answer and has a text of its own. Records every request it receives.
 */
final class GeneratedSite implements AutoCloseable {
    /** One request: its host and path, and when it arrived. */
    record Hit(String host, String path, long atNanos) {
    }

    private final int hosts;
    private final int pagesPerHost;
    private final long answerMs;
    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Hit> hits = new CopyOnWriteArrayList<>();

    GeneratedSite(int hosts, int pagesPerHost, long answerMs) throws IOException {
        this.hosts = hosts;
        this.pagesPerHost = pagesPerHost;
        this.answerMs = answerMs;
        for (int h = 1; h <= hosts; h++) {
            final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address(h)),
                    servers.isEmpty() ? 0 : port()), 0);
            server.setExecutor(threads);
            server.createContext("/", this::serve);
            server.start();
            servers.add(server);
        }
    }

    int port() {
        return servers.get(0).getAddress().getPort();
    }

    /** The crawler settings that let an instance fetch from this site and resolve its names. */
    Map<String, String> crawlerEnvironment() {
        return Map.of("EVENTLINE_CRAWLER_ALLOW", "127.0.0.0/8", "EVENTLINE_CRAWLER_HOSTS",
                IntStream.rangeClosed(1, hosts).mapToObj(h -> host(h) + "=" + address(h))
                        .collect(Collectors.joining(",")));
    }

    /**
     * The body of {@code POST /api/v1/crawls} that crawls the whole site from every host's home page, with a budget
     * of twice its pages, so that the crawl's (at-least-once) counters cannot end it before the last page.
     */
    String crawlRequest(long delayMs) {
        final String seeds = IntStream.rangeClosed(1, hosts).mapToObj(h -> "\"" + url(h, "/") + "\"")
                .collect(Collectors.joining(","));
        return "{\"seeds\":[" + seeds + "],\"scope\":{\"domains\":[\"gen.test\"]},\"maxPages\":" + 2 * pages()
                + ",\"maxDepth\":20,\"delayMs\":" + delayMs + "}";
    }

    /** Every page of the site. */
    int pages() {
        return hosts * pagesPerHost;
    }

    List<Hit> hits() {
        return List.copyOf(hits);
    }

    /** Requests per page ({@code host path}), robots.txt excluded. */
    Map<String, Long> pageRequests() {
        return hits.stream().filter(hit -> !hit.path().equals("/robots.txt"))
                .collect(Collectors.groupingBy(hit -> hit.host() + " " + hit.path(), TreeMap::new,
                        Collectors.counting()));
    }

    /** Every page of the site, as {@link #pageRequests()} names them. */
    List<String> allPages() {
        final List<String> all = new ArrayList<>();
        for (int h = 1; h <= hosts; h++) {
            for (int p = 0; p < pagesPerHost; p++) {
                all.add(host(h) + " " + path(p));
            }
        }
        return all;
    }

    /** Asserts that no two requests to one host arrived closer than {@code delay}. */
    void assertGapsAtLeast(Duration delay) {
        final Map<String, List<Long>> byHost = hits.stream().collect(Collectors.groupingBy(Hit::host,
                Collectors.mapping(Hit::atNanos, Collectors.toList())));
        byHost.forEach((host, arrivals) -> {
            final List<Long> sorted = arrivals.stream().sorted().toList();
            for (int i = 1; i < sorted.size(); i++) {
                assertThat(Duration.ofNanos(sorted.get(i) - sorted.get(i - 1)))
                        .as("gap before request %d to %s", i, host).isGreaterThanOrEqualTo(delay);
            }
        });
    }

    private static String host(int h) {
        return "h" + h + ".gen.test";
    }

    private static String address(int h) {
        return "127.0.2." + h;
    }

    private String url(int h, String path) {
        return "http://" + host(h) + ":" + port() + path;
    }

    private static String path(int page) {
        return page == 0 ? "/" : "/p" + page;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            final String host = exchange.getRequestHeaders().getFirst("Host").split(":")[0]
                    .toLowerCase(Locale.ROOT);
            final String path = exchange.getRequestURI().getPath();
            hits.add(new Hit(host, path, System.nanoTime()));
            if (path.equals("/robots.txt")) {
                send(exchange, "text/plain", "User-agent: *\nAllow: /\n");
                return;
            }
            final int page = path.equals("/") ? 0 : path.startsWith("/p") ? parse(path.substring(2)) : -1;
            if (page < 0 || page >= pagesPerHost) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Thread.sleep(answerMs);
            final StringBuilder html = new StringBuilder("<html><head><title>").append(host).append(path)
                    .append("</title></head><body><p>Page ").append(page).append(" of ").append(host)
                    .append("</p><a href=\"/\">home</a>");
            for (int child = 2 * page + 1; child <= 2 * page + 2 && child < pagesPerHost; child++) {
                html.append(" <a href=\"").append(path(child)).append("\">").append(child).append("</a>");
            }
            send(exchange, "text/html; charset=utf-8", html.append("</body></html>").toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int parse(String number) {
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void send(HttpExchange exchange, String type, String text) throws IOException {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
        threads.shutdownNow();
    }
}

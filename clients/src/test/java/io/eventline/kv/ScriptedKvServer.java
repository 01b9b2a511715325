package io.eventline.kv;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A local HTTP server on a real socket that answers as a test scripts it and keeps every request it got, raw as
 * it came over the wire.
 */
final class ScriptedKvServer implements AutoCloseable {
    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Function<Seen, Answer> script = request -> Answer.status(500);

    ScriptedKvServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            final byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            final URI uri = exchange.getRequestURI();
            final Seen request = new Seen(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    exchange.getRequestHeaders(), body);
            seen.add(request);
            final Answer answer = script.apply(request);
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            // a length of 0 would mean chunked here; -1 says there is no body
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers every request from now on with what {@code next} gives for it. */
    void answer(Function<Seen, Answer> next) {
        script = next;
    }

    List<Seen> requests() {
        return List.copyOf(seen);
    }

    Seen last() {
        return seen.get(seen.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A request as it came. */
    record Seen(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {
        String header(String name) {
            return headers.getFirst(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer to give. */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        static Answer status(int status) {
            return new Answer(status, Map.of(), new byte[0]);
        }

        static Answer json(int status, String json) {
            return new Answer(status, Map.of("Content-Type", "application/json"), utf8(json));
        }

        static Answer problem(int status, String slug, String title, String detail) {
            return new Answer(status, Map.of("Content-Type", "application/problem+json"), utf8(
                    "{\"type\":\"https://eventline.dev/problems/" + slug + "\",\"title\":\"" + title
                            + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}"));
        }

        Answer with(String name, String value) {
            final Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, more, body);
        }

        private static byte[] utf8(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}

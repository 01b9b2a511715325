package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stand-in for an instance's chat, just enough for the load generator: {@code POST /api/v1/channels},
 * {@code GET /metrics} (for an admin) and the {@code /ws} socket protocol (hello, send with ack and a message frame
 * to every member's socket, heartbeat, ack), checking tokens against the secret. It can drop or double the message frames
 * of chosen users. Plain sockets and a thread per connection: only for a handful of clients.
 */
final class FakeChatServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String secret;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Map<String, List<String>> channels = new ConcurrentHashMap<>();
    /** Users who made an authenticated request: only they may be named in a group, as on a real instance. */
    private final java.util.Set<String> signedIn = ConcurrentHashMap.newKeySet();
    private final Map<String, List<Client>> sockets = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();
    private final Map<String, Long> ackedSeqs = new ConcurrentHashMap<>();
    private final AtomicInteger channelIds = new AtomicInteger();
    private final AtomicLong messageIds = new AtomicLong(1_000);
    private final AtomicInteger openSockets = new AtomicInteger();
    private final LongAdder heartbeats = new LongAdder();
    private final List<String> channelRequests = new CopyOnWriteArrayList<>();
    final Set<String> dropMessagesTo = ConcurrentHashMap.newKeySet();
    final Set<String> doubleMessagesTo = ConcurrentHashMap.newKeySet();
    /** Each user's sync queue: every message frame to them, replayed after the cursor when a socket connects. */
    private final Map<String, List<String>> queues = new ConcurrentHashMap<>();
    private final LongAdder endpointRequests = new LongAdder();
    /**
     * When set, a channel is answered {@code 202} with its operation's {@code Location}, which answers pending
     * this many times before it gives the channel, as an instance past its await deadline does.
     */
    volatile int operationPendingPolls = -1;
    private final Map<String, AtomicInteger> operations = new ConcurrentHashMap<>();
    /** Senders whose messages are answered with a 503 instead of an ack, and delivered all the same. */
    final Set<String> timeOutAcksOf = ConcurrentHashMap.newKeySet();

    FakeChatServer(String secret) throws IOException {
        this.secret = secret;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptAll, "fake-chat-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int openSockets() {
        return openSockets.get();
    }

    long endpointRequests() {
        return endpointRequests.sum();
    }

    /** Drops every open socket without a close frame, as an instance killed with {@code kill -9} would. */
    void dropAllSockets() {
        sockets.values().forEach(list -> list.forEach(Client::abort));
    }

    long heartbeats() {
        return heartbeats.sum();
    }

    Map<String, Long> ackedSeqs() {
        return Map.copyOf(ackedSeqs);
    }

    List<String> channelRequests() {
        return List.copyOf(channelRequests);
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                final Socket socket = server.accept();
                final Thread thread = new Thread(() -> serve(socket), "fake-chat-conn");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                final String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                final Map<String, String> headers = new HashMap<>();
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    final int colon = header.indexOf(':');
                    headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            header.substring(colon + 1).strip());
                }
                final byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                final String[] parts = requestLine.split(" ");
                final String target = parts[1];
                final String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
                if (parts[0].equals("GET") && path.equals("/ws")) {
                    socket(in, out, query(target), headers);
                    return;
                } else if (parts[0].equals("GET") && path.equals("/api/v1/chat/endpoint")) {
                    final String authorization = headers.get("authorization");
                    final String user = authorization == null ? null
                            : userOf(authorization.substring("Bearer ".length()));
                    if (user == null) {
                        respond(out, 401, "application/problem+json", "{\"status\":401,\"title\":\"Unauthorized\"}");
                    } else {
                        signedIn.add(user);
                        endpointRequests.increment();
                        respond(out, 200, "application/json", "{\"url\":\"ws://127.0.0.1:" + server.getLocalPort()
                                + "/ws\",\"heartbeatIntervalSeconds\":5}");
                    }
                } else if (parts[0].equals("POST") && path.equals(ChatChannels.PATH)) {
                    createChannel(out, headers.get("authorization"), new String(body, StandardCharsets.UTF_8));
                } else if (parts[0].equals("GET") && path.startsWith("/api/v1/operations/")) {
                    operation(out, headers.get("authorization"), path.substring("/api/v1/operations/".length()));
                } else if (parts[0].equals("GET") && path.equals("/metrics")) {
                    if (isAdmin(headers.get("authorization"))) {
                        respond(out, 200, "text/plain", metrics());
                    } else {
                        respond(out, 401, "application/problem+json",
                                "{\"status\":401,\"title\":\"Unauthorized\"}");
                    }
                } else {
                    respond(out, 404, "text/plain", "no such route");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private String metrics() {
        // Micrometer's shape; the heap grows by 2 KiB per open socket
        final long eden = 10_000_000L + 2_048L * openSockets.get();
        return "# HELP jvm_memory_used_bytes The amount of used memory\n"
                + "# TYPE jvm_memory_used_bytes gauge\n"
                + "jvm_memory_used_bytes{area=\"heap\",id=\"Eden Space\"} " + eden + ".0\n"
                + "jvm_memory_used_bytes{area=\"heap\",id=\"Tenured Gen\"} 5000000.0\n"
                + "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 7.0E7\n";
    }

    private void createChannel(OutputStream out, String authorization, String body) throws IOException {
        final String user = authorization == null ? null : userOf(authorization.substring("Bearer ".length()));
        if (user == null) {
            respond(out, 401, "application/problem+json", "{\"status\":401,\"title\":\"Unauthorized\"}");
            return;
        }
        channelRequests.add(user + " " + body);
        final JsonNode request = JSON.readTree(body);
        final List<String> members = new ArrayList<>();
        members.add(user);
        request.path("members").forEach(member -> members.add(member.asText()));
        if ("group".equals(request.path("type").asText())
                && !signedIn.containsAll(members.subList(1, members.size()))) {
            respond(out, 404, "application/problem+json",
                    "{\"type\":\"https://eventline.dev/problems/user-not-found\",\"status\":404}");
            return;
        }
        final String id = "ch-" + channelIds.incrementAndGet();
        channels.put(id, members);
        if (operationPendingPolls >= 0) {
            operations.put(id, new AtomicInteger(operationPendingPolls));
            respond(out, 202, "application/json", "{\"eventId\":\"op-" + id + "\",\"status\":\"pending\"}",
                    "Location: /api/v1/operations/op-" + id);
            return;
        }
        respond(out, 201, "application/json", "{\"channelId\":\"" + id + "\",\"type\":\""
                + request.path("type").asText() + "\"}");
    }

    private void operation(OutputStream out, String authorization, String eventId) throws IOException {
        final AtomicInteger pendingPolls = operations.get(eventId.substring("op-".length()));
        if (authorization == null || userOf(authorization.substring("Bearer ".length())) == null) {
            respond(out, 401, "application/problem+json", "{\"status\":401,\"title\":\"Unauthorized\"}");
        } else if (pendingPolls == null) {
            respond(out, 404, "application/problem+json", "{\"status\":404}");
        } else if (pendingPolls.getAndDecrement() > 0) {
            respond(out, 200, "application/json", "{\"eventId\":\"" + eventId + "\",\"status\":\"pending\"}");
        } else {
            respond(out, 200, "application/json", "{\"eventId\":\"" + eventId + "\",\"status\":\"accepted\","
                    + "\"result\":{\"channelId\":\"" + eventId.substring("op-".length()) + "\"}}");
        }
    }

    private void socket(InputStream in, OutputStream out, Map<String, String> query, Map<String, String> headers)
            throws IOException {
        final String user = userOf(query.getOrDefault("access_token", ""));
        if (user == null) {
            respond(out, 401, "application/problem+json", "{\"status\":401,\"title\":\"Unauthorized\"}");
            return;
        }
        final String accept = accept(headers.get("sec-websocket-key"));
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final Client client = new Client(user, out);
        sockets.computeIfAbsent(user, k -> new CopyOnWriteArrayList<>()).add(client);
        openSockets.incrementAndGet();
        try {
            final long cursor = ackedSeqs.getOrDefault(user, 0L);
            client.send("{\"type\":\"hello\",\"device\":\"" + query.get("device") + "\",\"cursor\":" + cursor
                    + ",\"heartbeatIntervalSeconds\":5}");
            final List<String> queue = queues.getOrDefault(user, List.of());
            for (int i = (int) cursor; i < queue.size(); i++) {
                client.send(queue.get(i));
            }
            final ByteArrayOutputStream message = new ByteArrayOutputStream();
            while (true) {
                final int first = in.read();
                if (first < 0) {
                    return;
                }
                final int opcode = first & 0x0f;
                final byte[] payload = payload(in);
                if (opcode == 8) {
                    client.close();
                    return;
                } else if (opcode == 9) {
                    client.frame(0x8a, payload);
                } else if (opcode == 1 || opcode == 0) {
                    message.write(payload);
                    if ((first & 0x80) != 0) {
                        received(client, JSON.readTree(message.toString(StandardCharsets.UTF_8)));
                        message.reset();
                    }
                }
            }
        } finally {
            openSockets.decrementAndGet();
            sockets.get(user).remove(client);
        }
    }

    private void received(Client client, JsonNode frame) throws IOException {
        switch (frame.path("type").asText()) {
            case "heartbeat" -> heartbeats.increment();
            case "ack" -> ackedSeqs.merge(client.user, frame.path("seq").asLong(), Math::max);
            case "send" -> {
                final String channelId = frame.path("channelId").asText();
                final String clientMessageId = frame.path("clientMessageId").asText();
                final List<String> members = channels.get(channelId);
                if (members == null || !members.contains(client.user)) {
                    client.send("{\"type\":\"error\",\"problem\":{\"status\":404,\"title\":\"Not Found\","
                            + "\"clientMessageId\":\"" + clientMessageId + "\"}}");
                    return;
                }
                final long messageId = messageIds.incrementAndGet();
                if (timeOutAcksOf.contains(client.user)) {
                    client.send("{\"type\":\"error\",\"clientMessageId\":\"" + clientMessageId + "\",\"problem\":{"
                            + "\"status\":503,\"title\":\"Service unavailable\",\"detail\":\"the message was not "
                            + "confirmed in time; resend it with the same clientMessageId\"}}");
                } else {
                    client.send("{\"type\":\"ack\",\"clientMessageId\":\"" + clientMessageId + "\",\"messageId\":\""
                            + messageId + "\"}");
                }
                for (String member : members) {
                    if (dropMessagesTo.contains(member)) {
                        continue;
                    }
                    final long seq;
                    final ObjectNode out = JSON.createObjectNode();
                    synchronized (queues) {
                        seq = seqs.computeIfAbsent(member, k -> new AtomicLong()).incrementAndGet();
                        out.put("type", "message");
                        out.put("seq", seq);
                        out.put("channelId", channelId);
                        out.put("messageId", Long.toString(messageId));
                        out.put("senderId", client.user);
                        out.put("text", frame.path("text").asText());
                        out.put("createdAt", Instant.now().toString());
                        out.put("clientMessageId", clientMessageId);
                        queues.computeIfAbsent(member, k -> new CopyOnWriteArrayList<>()).add(out.toString());
                    }
                    for (Client to : sockets.getOrDefault(member, List.of())) {
                        try {
                            to.send(out.toString());
                            if (doubleMessagesTo.contains(member)) {
                                to.send(out.toString());
                            }
                        } catch (IOException e) {
                            // that socket is gone; its user reads the queue when it reconnects
                        }
                    }
                }
            }
            default -> client.send("{\"type\":\"error\",\"problem\":{\"status\":400,\"title\":\"Bad Request\"}}");
        }
    }

    /** The subject of a token signed with the secret, or null. */
    private String userOf(String token) {
        final JsonNode claims = claims(token);
        return claims == null ? null : claims.path("sub").asText(null);
    }

    /** As the instance's {@code /metrics}: an admin's bearer token. */
    private boolean isAdmin(String authorization) {
        final JsonNode claims = authorization == null || !authorization.startsWith("Bearer ") ? null
                : claims(authorization.substring("Bearer ".length()));
        if (claims == null) {
            return false;
        }
        for (JsonNode role : claims.path("roles")) {
            if (role.asText().equals("admin")) {
                return true;
            }
        }
        return false;
    }

    /** The claims of a token signed with the secret, or null. */
    private JsonNode claims(String token) {
        final String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            final String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII)));
            if (!expected.equals(parts[2])) {
                return null;
            }
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (Exception e) {
            return null;
        }
    }

    private static Map<String, String> query(String target) {
        final Map<String, String> query = new HashMap<>();
        if (target.contains("?")) {
            for (String pair : target.substring(target.indexOf('?') + 1).split("&")) {
                final int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] payload(InputStream in) throws IOException {
        final int second = in.read();
        long length = second & 0x7f;
        if (length == 126) {
            length = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (in.read() & 0xff);
            }
        }
        final byte[] mask = (second & 0x80) != 0 ? in.readNBytes(4) : null;
        final byte[] payload = in.readNBytes((int) length);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return payload;
    }

    private static void respond(OutputStream out, int status, String type, String body, String... headers)
            throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final StringBuilder extra = new StringBuilder();
        for (String header : headers) {
            extra.append(header).append("\r\n");
        }
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
                + "\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return c < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.values().forEach(list -> list.forEach(Client::abort));
    }

    private static final class Client {
        final String user;
        private final OutputStream out;

        Client(String user, OutputStream out) {
            this.user = user;
            this.out = out;
        }

        void send(String text) throws IOException {
            frame(0x81, text.getBytes(StandardCharsets.UTF_8));
        }

        synchronized void frame(int first, byte[] payload) throws IOException {
            out.write(first);
            if (payload.length < 126) {
                out.write(payload.length);
            } else if (payload.length < 65_536) {
                out.write(126);
                out.write(payload.length >>> 8);
                out.write(payload.length & 0xff);
            } else {
                out.write(127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    out.write((int) ((long) payload.length >>> shift) & 0xff);
                }
            }
            out.write(payload);
            out.flush();
        }

        void close() throws IOException {
            frame(0x88, new byte[] {0x03, (byte) 0xe8});
        }

        void abort() {
            try {
                out.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}

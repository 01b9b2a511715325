package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Creates the channels of a run with {@code POST /api/v1/channels}, each by its first member, a few at a time.
 * A 429 or 503 is retried after its {@code Retry-After} (1 s without one), a few times; a 202 (accepted before
 * its outcome was known) is followed to its operation until that says how it ended.
 */
final class ChatChannels {
    static final String PATH = "/api/v1/channels";
    private static final int ATTEMPTS = 6;
    private static final int OPERATION_POLLS = 120;
    private static final long OPERATION_POLL_MILLIS = 500;

    private ChatChannels() {
    }

    /** What creating the channels came to: the IDs (null where creation failed), statuses and time taken. */
    record Created(String[] ids, SortedMap<String, Long> statuses, double seconds) {
        long failed() {
            long n = 0;
            for (String id : ids) {
                if (id == null) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * The request body of a channel of {@code members}, its creator first (the creator is not listed): a direct
     * channel if {@code groupName} is null, else a group of that name.
     */
    static String body(List<String> members, String groupName) {
        final ObjectNode body = ChatSocket.JSON.createObjectNode();
        body.put("type", groupName == null ? "direct" : "group");
        if (groupName != null) {
            body.put("name", groupName);
        }
        final ArrayNode others = body.putArray("members");
        members.subList(1, members.size()).forEach(others::add);
        return body.toString();
    }

    /** The {@code channelId} of a created channel's answer, or null. */
    static String channelId(String responseBody) {
        try {
            final JsonNode id = ChatSocket.JSON.readTree(responseBody).get("channelId");
            return id == null || id.isNull() ? null : id.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Creates channel {@code c} for {@code members.get(c)} (its creator first), at most {@code concurrency} at a
     * time; group channels are named {@code <groupPrefix>-<c>}, or are direct channels if {@code groupPrefix} is
     * null.
     */
    static Created create(HttpClient client, URI base, JwtTokens tokens, List<List<String>> members,
                          String groupPrefix, int concurrency, Duration timeout) throws InterruptedException {
        final AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(members.size());
        final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        final ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            final Thread thread = new Thread(r, "chat-channels");
            thread.setDaemon(true);
            return thread;
        });
        final long start = System.nanoTime();
        for (int c = 0; c < members.size(); c++) {
            final int channel = c;
            final HttpRequest request = HttpRequest.newBuilder(URI.create(base + PATH)).timeout(timeout)
                    .header("User-Agent", "eventline-load")
                    .header("Authorization", "Bearer " + tokens.issue(members.get(c).get(0)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(members.get(c),
                            groupPrefix == null ? null : groupPrefix + "-" + c)))
                    .build();
            pool.execute(() -> statuses.computeIfAbsent(createOne(client, request, ids, channel),
                    k -> new LongAdder()).increment());
        }
        pool.shutdown();
        // every request carries the timeout, and each is tried a bounded number of times
        if (!pool.awaitTermination(ATTEMPTS * (timeout.toSeconds() + 31L) * members.size(), TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        final String[] result = new String[members.size()];
        for (int c = 0; c < result.length; c++) {
            result[c] = ids.get(c);
        }
        final SortedMap<String, Long> counts = new TreeMap<>();
        statuses.forEach((name, count) -> counts.put(name, count.sum()));
        return new Created(result, counts, (System.nanoTime() - start) / 1e9);
    }

    /**
     * One authenticated request of each of {@code users}, at most {@code concurrency} at a time: only users who
     * presented a token once may be added to a group. The number of users whose request failed.
     */
    static long signIn(HttpClient client, URI base, JwtTokens tokens, List<String> users, int concurrency,
                       Duration timeout) throws InterruptedException {
        final LongAdder failed = new LongAdder();
        final ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            final Thread thread = new Thread(r, "chat-sign-in");
            thread.setDaemon(true);
            return thread;
        });
        for (String user : users) {
            final HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/chat/endpoint"))
                    .timeout(timeout).header("User-Agent", "eventline-load")
                    .header("Authorization", "Bearer " + tokens.issue(user)).GET().build();
            pool.execute(() -> {
                try {
                    if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                        failed.increment();
                    }
                } catch (IOException e) {
                    failed.increment();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.increment();
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination((timeout.toSeconds() + 1L) * users.size(), TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        return failed.sum();
    }

    private static String createOne(HttpClient client, HttpRequest request, AtomicReferenceArray<String> ids,
                                    int channel) {
        String outcome = "none";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                outcome = Integer.toString(response.statusCode());
                if (response.statusCode() == 429 || response.statusCode() == 503) {
                    Thread.sleep(retryAfterMillis(response.headers().firstValueAsLong("Retry-After")));
                    continue;
                }
                if (response.statusCode() == 404 && response.body().contains("/user-not-found")) {
                    // a member's sign-in has not reached the instance deciding yet
                    Thread.sleep(retryAfterMillis(OptionalLong.empty()));
                    continue;
                }
                if (response.statusCode() == 202 && response.headers().firstValue("Location").isPresent()) {
                    // accepted before its outcome was known: the operation resource says how it ended
                    final String id = awaitOperation(client, request, response.headers().firstValue("Location").get());
                    if (id != null) {
                        ids.set(channel, id);
                        return "202 then created";
                    }
                    return "202 and no outcome";
                }
                final String id = response.statusCode() / 100 == 2 ? channelId(response.body()) : null;
                if (id == null) {
                    return response.statusCode() / 100 == 2 ? outcome + " without channelId" : outcome;
                }
                ids.set(channel, id);
                return outcome;
            } catch (IOException e) {
                outcome = LatencyRecorder.failureName(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return outcome + " after " + ATTEMPTS + " attempts";
    }

    /**
     * Polls the operation at {@code location} (relative to {@code created}'s URI) as {@code created}'s caller until
     * it is no longer pending, at most {@value #OPERATION_POLLS} times: the created channel's ID, or null.
     */
    static String awaitOperation(HttpClient client, HttpRequest created, String location) throws IOException,
            InterruptedException {
        final HttpRequest.Builder poll = HttpRequest.newBuilder(created.uri().resolve(location)).GET()
                .timeout(created.timeout().orElse(Duration.ofSeconds(10))).header("User-Agent", "eventline-load");
        created.headers().firstValue("Authorization").ifPresent(value -> poll.header("Authorization", value));
        final HttpRequest request = poll.build();
        for (int attempt = 0; attempt < OPERATION_POLLS; attempt++) {
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                final JsonNode operation = ChatSocket.JSON.readTree(response.body());
                final String status = operation.path("status").asText();
                if (!"pending".equals(status)) {
                    return "accepted".equals(status) ? channelId(operation.path("result").toString()) : null;
                }
            } else if (response.statusCode() != 404 && response.statusCode() != 429 && response.statusCode() / 100 != 5) {
                return null;
            }
            Thread.sleep(OPERATION_POLL_MILLIS);
        }
        return null;
    }

    static long retryAfterMillis(OptionalLong seconds) {
        return Math.min(30, Math.max(1, seconds.orElse(1))) * 1_000;
    }
}

package io.eventline.kv;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.auth.JwtAuth;
import io.eventline.platform.EventlineProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The key-value store on two instances: a strong read through one instance sees a write made through the other
 * at once (the caller's consistency token travels with it), an eventual read is answered from a standby with its
 * lag, and a {@code kill -9} of the owner loses no acknowledged write.
 */
public final class KvAcrossInstances {
    private static final int NAMESPACES = 12;
    private static final int ROUNDS = 4;
    private static final Duration TAKEOVER = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final List<String> namespaces = new ArrayList<>();
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private Thread writer;
    private Set<String> ownedByB = Set.of();
    private long killedAtNanos;

    public KvAcrossInstances(JwtAuth auth) {
        this.token = auth.issue("kv-" + run, Set.of(), Duration.ofHours(1));
    }

    private HttpResponse<String> send(EventlineProcess via, String method, String path, String body,
                                      Map<String, String> headers) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(via.baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "text/plain");
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String path(String namespace) {
        return "/api/v1/kv/" + namespace + "/value";
    }

    /** Writes through one instance read strongly through the other, and eventual reads from the standby. */
    public void verify(EventlineProcess a, EventlineProcess b) throws Exception {
        for (int i = 0; i < NAMESPACES; i++) {
            final String namespace = "kv-" + run + "-" + i;
            assertThat(send(a, "PUT", "/api/v1/kv/" + namespace, null, Map.of()).statusCode()).isEqualTo(201);
            namespaces.add(namespace);
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (String namespace : namespaces) {
                final EventlineProcess writeVia = round % 2 == 0 ? a : b;
                final EventlineProcess readVia = round % 2 == 0 ? b : a;
                final HttpResponse<String> written = send(writeVia, "PUT", path(namespace), "r" + round, Map.of());
                assertThat(written.statusCode()).as(written.body()).isIn(200, 201);
                final String seen = written.headers().firstValue(ConsistencyToken.HEADER).orElseThrow();
                final HttpResponse<String> read = send(readVia, "GET", path(namespace), null,
                        Map.of(ConsistencyToken.HEADER, seen));
                assertThat(read.statusCode()).as(namespace + " through " + readVia.name() + ": " + read.body())
                        .isEqualTo(200);
                assertThat(read.body()).as("read your write of %s through the other instance", namespace)
                        .isEqualTo("r" + round);
                assertThat(read.headers().firstValue("ETag")).isEqualTo(written.headers().firstValue("ETag"));
                assertThat(read.headers().firstValue(ConsistencyToken.HEADER).map(ConsistencyToken::parse)
                        .orElseThrow().offsetOf(partitionOf(seen))).isGreaterThanOrEqualTo(
                        ConsistencyToken.parse(seen).offsetOf(partitionOf(seen)));
            }
        }
        ownedByB = standbyReadsAt(a);
        assertThat(ownedByB).as("namespaces A answers eventually from its standby of B's tasks").isNotEmpty();
    }

    private static int partitionOf(String token) {
        return ConsistencyToken.parse(token).offsets().keySet().iterator().next();
    }

    /** The namespaces whose eventual reads A answers from a standby copy, once it holds the last round. */
    private Set<String> standbyReadsAt(EventlineProcess a) throws Exception {
        final Set<String> stale = ConcurrentHashMap.newKeySet();
        eventually(Duration.ofSeconds(20), Duration.ofMillis(200), () -> {
            for (String namespace : namespaces) {
                final HttpResponse<String> read = send(a, "GET", path(namespace) + "?consistency=eventual", null,
                        Map.of());
                if (read.statusCode() != 200) {
                    continue;
                }
                final long lag = Long.parseLong(read.headers().firstValue(KvReads.LAG_HEADER).orElseThrow());
                assertThat(lag).isGreaterThanOrEqualTo(0);
                if (read.headers().firstValue("Eventline-Stale").isPresent()
                        && read.body().equals("r" + (ROUNDS - 1))) {
                    stale.add(namespace);
                }
            }
            return !stale.isEmpty();
        });
        return stale;
    }

    /**
     * Acknowledged writes through B to its own namespaces, then writes through A to them that go on while B is
     * killed: call right before the kill.
     */
    public void startWriting(EventlineProcess a, EventlineProcess b) throws Exception {
        for (String namespace : ownedByB) {
            final HttpResponse<String> written = send(b, "PUT", path(namespace), "1000", Map.of());
            assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
            acknowledged.put(namespace, 1000L);
        }
        writing.set(true);
        writer = new Thread(() -> {
            long value = 1001;
            while (writing.get()) {
                for (String namespace : ownedByB) {
                    try {
                        final HttpResponse<String> written = send(a, "PUT", path(namespace),
                                Long.toString(value), Map.of());
                        // 202: stored in the log, applied once the partition has an owner again
                        if (written.statusCode() == 200 || written.statusCode() == 202) {
                            acknowledged.put(namespace, value);
                        }
                    } catch (Exception e) {
                        // not acknowledged: no promise to keep
                    }
                }
                value++;
            }
        }, "kv-writer");
        writer.start();
        killedAtNanos = System.nanoTime();
    }

    /** Every namespace B owned holds, read strongly through A, at least the last value acknowledged to it. */
    public void verifyNoAcknowledgedWriteLost(EventlineProcess a) throws Exception {
        writing.set(false);
        writer.join(60_000);
        final Map<String, String> last = new LinkedHashMap<>();
        eventually(TAKEOVER, Duration.ofMillis(250), () -> {
            for (String namespace : ownedByB) {
                final HttpResponse<String> read = send(a, "GET", path(namespace), null, Map.of());
                if (read.statusCode() == 503) {
                    return false;
                }
                assertThat(read.statusCode()).as(namespace + ": " + read.body()).isEqualTo(200);
                last.put(namespace, read.body());
                if (Long.parseLong(read.body()) < acknowledged.get(namespace)) {
                    return false;
                }
            }
            return true;
        });
        // how long the group took to find B dead and hand its partitions to A's standbys, as operators see it
        System.out.printf("kv: every namespace of the killed instance read strongly through the other %d ms after "
                + "the kill%n", (System.nanoTime() - killedAtNanos) / 1_000_000);
        for (String namespace : ownedByB) {
            assertThat(Long.parseLong(last.get(namespace))).as("%s after B's kill -9", namespace)
                    .isGreaterThanOrEqualTo(acknowledged.get(namespace));
        }
    }
}

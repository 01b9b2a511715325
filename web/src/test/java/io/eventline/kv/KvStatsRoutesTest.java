package io.eventline.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.http.EventlineWeb;
import io.eventline.kv.StorePartitionFigures.BlockCacheCounts;
import io.eventline.kv.StorePartitionFigures.BloomFilterCounts;
import io.eventline.kv.StorePartitionFigures.Changelog;
import io.eventline.kv.StorePartitionFigures.Memtable;
import io.eventline.kv.StorePartitionFigures.Role;
import io.eventline.kv.StorePartitionFigures.SstFiles;
import io.eventline.serde.Json;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kv stats route over a real socket, with figures as the collector gives them. */
class KvStatsRoutesTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
    private static final List<StorePartitionFigures> FIGURES = List.of(
            new StorePartitionFigures("kv-store", 3, "4_3", Role.ACTIVE, new Memtable(4_096, 12),
                    new SstFiles(List.of(2, 0, 0, 0, 0, 0, 1), 9_000), new BloomFilterCounts(40, 1),
                    new BlockCacheCounts(30, 10), 0, new Changelog(500, 0)),
            new StorePartitionFigures("kv-store", 5, "4_5", Role.STANDBY, new Memtable(0, 0),
                    new SstFiles(null, 1_200), null, new BlockCacheCounts(0, 0), 64, null));
    private final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldRefuseAUserWithoutTheAdminRole() {
        JavalinTest.test(app(), (server, unused) -> {
            // Given
            final String user = auth.issue("alice", Set.of(), Duration.ofMinutes(5));

            // When
            final HttpResponse<String> response = get(server, user);

            // Then
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).doesNotContain("kv-store");
        });
    }

    @Test
    void shouldAnswerAnAdminWithTheFiguresOfEachStorePartition() {
        JavalinTest.test(app(), (server, unused) -> {
            // Given
            final String admin = auth.issue("root", Set.of("admin"), Duration.ofMinutes(5));

            // When
            final HttpResponse<String> response = get(server, admin);

            // Then
            assertThat(response.statusCode()).isEqualTo(200);
            final JsonNode answer = JSON.readTree(response.body());
            assertThat(answer.path("instance").asText()).isEqualTo("instance-1");
            final JsonNode active = answer.path("stores").get(0);
            assertThat(active.path("store").asText()).isEqualTo("kv-store");
            assertThat(active.path("partition").asInt()).isEqualTo(3);
            assertThat(active.path("taskId").asText()).isEqualTo("4_3");
            assertThat(active.path("role").asText()).isEqualTo("active");
            assertThat(active.path("memtable").path("bytes").asLong()).isEqualTo(4_096);
            assertThat(active.path("memtable").path("entries").asLong()).isEqualTo(12);
            assertThat(active.path("sstFiles").path("levels").toString()).isEqualTo("[2,0,0,0,0,0,1]");
            assertThat(active.path("sstFiles").path("totalBytes").asLong()).isEqualTo(9_000);
            assertThat(active.path("bloomFilter").path("useful").asLong()).isEqualTo(40);
            assertThat(active.path("bloomFilter").path("falsePositives").asLong()).isEqualTo(1);
            assertThat(active.path("blockCache").path("hitRate").asDouble()).isEqualTo(0.75);
            assertThat(active.path("pendingCompactionBytes").asLong()).isZero();
            assertThat(active.path("changelog").path("endOffset").asLong()).isEqualTo(500);
            final JsonNode standby = answer.path("stores").get(1);
            assertThat(standby.path("role").asText()).isEqualTo("standby");
            assertThat(standby.path("sstFiles").path("levels").isNull()).isTrue();
            assertThat(standby.path("bloomFilter").isNull()).isTrue();
            assertThat(standby.path("blockCache").path("hitRate").isNull()).isTrue();
            assertThat(standby.path("changelog").isNull()).isTrue();
        });
    }

    private Javalin app() {
        final KvStatsRoutes routes = new KvStatsRoutes("instance-1", () -> FIGURES, JSON);
        return EventlineWeb.create(routes.routes(), List.of(), List.of(), auth,
                new InternalCalls(SECRET, Clock.systemUTC(), InternalCalls.DEFAULT_MAX_SKEW), JSON,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    private HttpResponse<String> get(Javalin server, String bearer) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + KvStatsRoutes.PATH))
                .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

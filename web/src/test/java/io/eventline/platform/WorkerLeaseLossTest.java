package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.ids.WorkerLease;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An instance that loses its worker lease stops issuing IDs and is not ready until it holds the lease again. */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class WorkerLeaseLossTest {
    /** The lease is renewed every 10 s, where a loss shows; a lost lease is asked for again every 5 s. */
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(25);
    private static PlatformFixture platform;
    private static KafkaCluster cluster;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        cluster = kafka;
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldRefuseWritesAndTurnNotReadyWhileAnotherInstanceHoldsTheWorkerLease() throws Exception {
        // Given a ready instance that takes writes
        final String alice = platform.token("alice");
        assertThat(shorten(alice).statusCode()).isEqualTo(201);
        final EventlineConfig config = platform.platform().config();

        // When another instance takes its worker ID, its clock far enough ahead to see the lease as expired
        final Instant ahead = Instant.now().plus(WorkerLease.DEFAULT_TTL).plusSeconds(5);
        final long skew = Duration.between(Instant.now(), ahead).toMillis();
        final WorkerLease intruder = new WorkerLease(cluster.clientConfig(), WorkerLease.TOPIC,
                "intruder-" + UUID.randomUUID(), config.datacenterId(), config.workerId(), WorkerLease.DEFAULT_TTL,
                () -> Instant.now().plusMillis(skew));
        try {
            intruder.acquire();

            // Then the instance notices at its next renewal: not ready, and writes get 503 with Retry-After
            final HttpResponse<String> refused = await(() -> {
                final HttpResponse<String> write = shorten(alice);
                return write.statusCode() == 503 ? write : null;
            });
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            final HttpResponse<String> ready = platform.get("/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("WORKER_LEASE_LOST");
        } finally {
            // When the other instance lets the worker ID go
            intruder.close();
        }

        // Then the instance takes its lease back, is ready, and takes writes again
        await(() -> platform.get("/ready", null).statusCode() == 200 ? true : null);
        assertThat(shorten(alice).statusCode()).isEqualTo(201);
    }

    private static HttpResponse<String> shorten(String token) throws Exception {
        return platform.post("/api/v1/urls", token,
                "{\"url\":\"https://example.com/lease/" + UUID.randomUUID() + "\"}");
    }

    private static <T> T await(Callable<T> probe) throws Exception {
        final long deadline = System.nanoTime() + NOTICED_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            final T seen = probe.call();
            if (seen != null) {
                return seen;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not seen within " + NOTICED_WITHIN);
    }
}

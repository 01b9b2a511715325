package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance as a newcomer starts it, with its own broker and registry on a fresh data directory: what it writes
 * is its owner's alone, and with the web server on loopback only, {@code /metrics} needs no credentials and no
 * other interface answers.
 */
@Tag("integration")
class PlatformLockdownTest {

    @Test
    void shouldKeepItsFilesPrivateAndServeMetricsOnLoopbackOnly(@TempDir Path dir) throws Exception {
        // Given a data directory that does not exist yet, and the web server on loopback only
        final Path dataDir = dir.resolve("data");
        final int port = PlatformFixture.freePort();
        final EventlineConfig config = EventlineConfig.load(Map.of(
                "EVENTLINE_DATA_DIR", dataDir.toString(),
                "EVENTLINE_HTTP_HOST", "127.0.0.1",
                "EVENTLINE_HTTP_PORT", Integer.toString(port),
                "EVENTLINE_KAFKA_PORT", "0",
                "EVENTLINE_REGISTRY_PORT", "0",
                "EVENTLINE_INSTANCE_ID", "lockdown",
                "EVENTLINE_TOPIC_PARTITIONS", "1",
                "EVENTLINE_ROCKSDB_CACHE_BYTES", Long.toString(16L << 20)));

        // When
        try (Platform platform = new Platform(config, Clock.systemUTC()).start()) {
            assertThat(platform.awaitReady(Duration.ofSeconds(120))).as("ready").isTrue();

            // Then the data directory and everything the instance made in it are closed to others
            assertThat(permissions(dataDir)).isEqualTo("rwx------");
            assertThat(permissions(dataDir.resolve("kafka"))).isEqualTo("rwx------");
            assertThat(permissions(dataDir.resolve("streams"))).isEqualTo("rwx------");
            assertThat(permissions(config.streamsStateDir())).isEqualTo("rwx------");
            assertThat(permissions(config.streamsStateDir().resolve(config.applicationId()))).isEqualTo("rwx------");
            assertThat(permissions(dataDir.resolve("jwt-secret"))).isEqualTo("rw-------");
            assertThat(permissions(dataDir.resolve("registry-user-info"))).isEqualTo("rw-------");

            // And /metrics answers without credentials on loopback
            final HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");

            // And no other interface accepts a connection
            assertThat(Arrays.stream(platform.web().jettyServer().server().getConnectors())
                    .map(connector -> ((ServerConnector) connector).getHost())).containsExactly("127.0.0.1");
            final Optional<InetAddress> elsewhere = nonLoopbackAddress();
            if (elsewhere.isPresent()) {
                assertThatThrownBy(() -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(elsewhere.get(), port), 2_000);
                    }
                }).isInstanceOfAny(ConnectException.class, SocketTimeoutException.class);
            }
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** An address of this machine that other machines could use, if it has one. */
    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(network -> {
                    try {
                        return network.isUp() && !network.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
                .findFirst();
    }
}

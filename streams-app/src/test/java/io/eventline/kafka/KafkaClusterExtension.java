package io.eventline.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives tests a Kafka cluster that is started once per JVM and shared by every test class that uses this
 * extension; it is stopped, and its temporary data deleted, when the test run ends.
 *
 * <pre>{@code
 * @Tag("integration")
 * @ExtendWith(KafkaClusterExtension.class)
 * class OrdersIntegrationTest {
 *     @Test
 *     void shouldCountOrders(KafkaCluster kafka, TestNames names) {
 *         String topic = names.topic("orders");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Parameters of type {@link KafkaCluster} and {@link TestNames} are injected into test methods, lifecycle
 * methods and constructors; {@link #sharedCluster()} reaches the cluster from anywhere once the extension has run.
 *
 * <p>The cluster is a Testcontainers {@code apache/kafka} container when a Docker engine is reachable, otherwise
 * an {@link EmbeddedKafkaBroker}. The system property {@value #MODE_PROPERTY} (or the environment variable
 * {@value #MODE_ENV}) set to {@code embedded} or {@code container} skips the detection;
 * {@value #IMAGE_PROPERTY} picks another image.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, ParameterResolver {

    /** {@code auto} (default), {@code embedded} or {@code container}. */
    public static final String MODE_PROPERTY = "eventline.test.kafka";
    /** Same as {@link #MODE_PROPERTY}, for environments where system properties are awkward to pass. */
    public static final String MODE_ENV = "EVENTLINE_TEST_KAFKA";
    /** The container image; by default {@code apache/kafka} at the version of the Kafka client on the classpath. */
    public static final String IMAGE_PROPERTY = "eventline.test.kafka.image";

    private static final Logger log = LoggerFactory.getLogger(KafkaClusterExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaClusterExtension.class);
    private static final String CLUSTER_KEY = "cluster";

    private static volatile SharedCluster shared;

    /**
     * The cluster started by this extension in this JVM.
     *
     * @throws IllegalStateException if no test class using the extension has started yet
     */
    public static KafkaCluster sharedCluster() {
        final SharedCluster current = shared;
        if (current == null) {
            throw new IllegalStateException("No Kafka cluster yet: annotate the test class with "
                    + "@ExtendWith(KafkaClusterExtension.class)");
        }
        return current.cluster();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        final Class<?> type = parameterContext.getParameter().getType();
        return type == KafkaCluster.class || type == TestNames.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        final Class<?> type = parameterContext.getParameter().getType();
        if (type == KafkaCluster.class) {
            return cluster(extensionContext);
        }
        if (type == TestNames.class) {
            final String testName = extensionContext.getTestMethod()
                    .map(Method::getName)
                    .orElseGet(() -> extensionContext.getRequiredTestClass().getSimpleName());
            return TestNames.forTest(testName);
        }
        throw new ParameterResolutionException("Unsupported parameter type " + type.getName());
    }

    private static KafkaCluster cluster(ExtensionContext context) {
        final SharedCluster cluster = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(CLUSTER_KEY, key -> startCluster(), SharedCluster.class);
        shared = cluster;
        return cluster.cluster();
    }

    private static SharedCluster startCluster() {
        final String mode = Optional.ofNullable(System.getProperty(MODE_PROPERTY))
                .or(() -> Optional.ofNullable(System.getenv(MODE_ENV)))
                .orElse("auto")
                .trim()
                .toLowerCase(Locale.ROOT);
        switch (mode) {
            case "embedded":
                return startEmbedded();
            case "container":
                return ContainerCluster.start(System.getProperty(IMAGE_PROPERTY));
            case "auto":
                return DockerProbe.dockerAvailable()
                        ? ContainerCluster.start(System.getProperty(IMAGE_PROPERTY))
                        : startEmbedded();
            default:
                throw new IllegalArgumentException(MODE_PROPERTY + " must be auto, embedded or container, got "
                        + mode);
        }
    }

    private static SharedCluster startEmbedded() {
        final Path dir;
        try {
            dir = Files.createTempDirectory("eventline-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a data directory for the embedded broker", e);
        }
        final EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir);
        try {
            broker.start();
        } catch (RuntimeException e) {
            deleteRecursively(dir);
            throw e;
        }
        return new SharedCluster(broker::bootstrapServers, () -> {
            try {
                broker.close();
            } finally {
                deleteRecursively(dir);
            }
        });
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("Could not delete {}", path, e);
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete {}", dir, e);
        }
    }

    /** Held in the root store, so JUnit closes it once every test in the run has finished. */
    static final class SharedCluster implements AutoCloseable {
        private final KafkaCluster cluster;
        private final Runnable stop;

        SharedCluster(KafkaCluster cluster, Runnable stop) {
            this.cluster = cluster;
            this.stop = stop;
        }

        KafkaCluster cluster() {
            return cluster;
        }

        @Override
        public void close() {
            shared = null;
            stop.run();
        }
    }

    /**
     * Asks Testcontainers only when a Docker endpoint is configured or a socket exists where it would look,
     * because its own probe is slow and logs errors when there is no engine at all.
     */
    static final class DockerProbe {
        private static final String FACTORY_CLASS = "org.testcontainers.DockerClientFactory";

        private DockerProbe() {
        }

        static boolean dockerAvailable() {
            if (!onClasspath() || !endpointLikely()) {
                return false;
            }
            try {
                return ContainerCluster.dockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                log.debug("Docker probe failed; using the embedded broker", e);
                return false;
            }
        }

        private static boolean onClasspath() {
            try {
                Class.forName(FACTORY_CLASS, false, KafkaClusterExtension.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }

        private static boolean endpointLikely() {
            if (System.getenv("DOCKER_HOST") != null || System.getenv("TESTCONTAINERS_HOST_OVERRIDE") != null) {
                return true;
            }
            final Path home = Path.of(System.getProperty("user.home"));
            final String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
            return Stream.of(
                            Path.of("/var/run/docker.sock"),
                            home.resolve(".testcontainers.properties"),
                            home.resolve(".docker/run/docker.sock"),
                            home.resolve(".docker/desktop/docker.sock"),
                            runtimeDir == null ? null : Path.of(runtimeDir, "docker.sock"))
                    .anyMatch(path -> path != null && Files.exists(path))
                    || System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        }
    }
}

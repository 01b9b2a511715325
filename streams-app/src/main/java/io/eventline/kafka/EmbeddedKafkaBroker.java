package io.eventline.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster, broker and KRaft controller combined, running inside this JVM.
 *
 * <p>The data directory is formatted on first start with a fresh cluster ID, which Kafka keeps in the
 * directory's {@code meta.properties}; later starts on the same directory reuse that ID, so topics, records and
 * committed offsets survive a restart. Internal topics use replication factor 1 because there is only one node.
 *
 * <p>Topics are never created implicitly: a client producing to, or subscribing to, a name that no one created
 * gets an unknown-topic error instead of a new topic. The data directory, which holds every record, is created
 * readable by its owner only.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Path.of("data/kafka"), 9092).start()) {
 *     String bootstrap = broker.bootstrapServers();
 *     ...
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe; {@link #start()} after {@link #close()} restarts the broker on the same directory,
 * keeping the port it had when the requested port was 0 and that port is still free.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The host advertised to clients unless another is given. */
    public static final String DEFAULT_HOST = "localhost";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOOPBACK = "localhost";
    private static final int BIND_ATTEMPTS = 3;
    private static final long MAX_STARTUP_MILLIS = 60_000;
    /** A transactional ID no producer uses: looking it up only finds the coordinator. */
    private static final String COORDINATOR_PROBE_ID = "embedded-broker-coordinator-probe";

    private final Path dataDir;
    private final int requestedPort;
    private final String advertisedHost;
    private final Map<String, String> configOverrides;

    private KafkaRaftServer server;
    private String clusterId;
    private int port = -1;
    private int controllerPort = -1;

    /** A broker on a free port, advertised as {@value #DEFAULT_HOST}. */
    public EmbeddedKafkaBroker(Path dataDir) {
        this(dataDir, 0);
    }

    /**
     * @param dataDir where logs and cluster metadata live; created if missing, readable by its owner only
     * @param port    the client (PLAINTEXT) port, or 0 for a free one
     */
    public EmbeddedKafkaBroker(Path dataDir, int port) {
        this(dataDir, port, DEFAULT_HOST);
    }

    /**
     * @param advertisedHost the host name clients are told to connect to; when it is not a loopback name the
     *                       client listener binds to all interfaces so that clients elsewhere can reach it
     */
    public EmbeddedKafkaBroker(Path dataDir, int port, String advertisedHost) {
        this(dataDir, port, advertisedHost, Map.of());
    }

    /**
     * @param configOverrides broker properties applied last, e.g. {@code log.retention.hours=24}
     */
    public EmbeddedKafkaBroker(Path dataDir, int port, String advertisedHost, Map<String, String> configOverrides) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (advertisedHost == null || advertisedHost.isBlank()) {
            throw new IllegalArgumentException("advertisedHost must not be blank");
        }
        this.requestedPort = port;
        this.advertisedHost = advertisedHost;
        this.configOverrides = Map.copyOf(configOverrides);
    }

    /**
     * Formats the data directory if it has never been formatted, then starts the broker and returns once it
     * accepts clients. Does nothing if already running.
     *
     * @return this broker, for chaining
     * @throws IllegalStateException if the broker fails to start
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        final long began = System.nanoTime();
        try {
            createPrivately(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Kafka data directory " + dataDir, e);
        }
        clusterId = existingClusterId().orElseGet(() -> Uuid.randomUuid().toString());

        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            final int brokerPort = choosePort(requestedPort != 0 ? requestedPort : port);
            final int ctrlPort = choosePort(controllerPort);
            final KafkaConfig config = KafkaConfig.fromProps(brokerProperties(brokerPort, ctrlPort));
            format(config);
            final KafkaRaftServer candidate = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                candidate.startup();
            } catch (RuntimeException e) {
                stopQuietly(candidate);
                lastFailure = e;
                // Free ports are picked before Kafka binds them, so another process may win the race.
                if (isBindFailure(e)) {
                    log.debug("Port {} or {} was taken before the broker bound it, retrying", brokerPort, ctrlPort);
                    port = -1;
                    controllerPort = -1;
                    continue;
                }
                break;
            }
            server = candidate;
            port = brokerPort;
            controllerPort = ctrlPort;
            prepareTransactionCoordinator();
            log.info("Embedded Kafka broker started at {} in {} ms (cluster {}, data in {})",
                    bootstrapServers(), (System.nanoTime() - began) / 1_000_000, clusterId, dataDir);
            return this;
        }
        throw new IllegalStateException("Embedded Kafka broker failed to start on " + dataDir, lastFailure);
    }

    /** Whether {@link #start()} has succeeded and {@link #close()} has not been called since. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * The {@code host:port} for clients' {@code bootstrap.servers}.
     *
     * @throws IllegalStateException if the broker is not running
     */
    public synchronized String bootstrapServers() {
        requireRunning();
        return advertisedHost + ":" + port;
    }

    /** The client port; see {@link #bootstrapServers()}. */
    public synchronized int port() {
        requireRunning();
        return port;
    }

    /** The cluster ID kept in the data directory; known once the broker has been started. */
    public synchronized String clusterId() {
        requireRunning();
        return clusterId;
    }

    /** The directory holding this broker's logs and metadata. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Shuts the broker down cleanly, flushing its logs, and waits until it has stopped. Safe to call more than
     * once; the data directory is kept.
     */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        final KafkaRaftServer stopping = server;
        server = null;
        final long began = System.nanoTime();
        stopping.shutdown();
        stopping.awaitShutdown();
        log.info("Embedded Kafka broker on port {} stopped in {} ms", port, (System.nanoTime() - began) / 1_000_000);
    }

    /**
     * Looks up the transaction coordinator once, which has the broker create its transaction state topic while
     * it is idle. Created on demand under an application's first start, when the broker is also creating every
     * changelog topic, the topic reaches the broker's metadata only seconds later, and each transactional
     * producer's lookup meanwhile logs a failed topic creation.
     */
    private void prepareTransactionCoordinator() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-broker-" + NODE_ID))) {
            admin.describeTransactions(List.of(COORDINATOR_PROBE_ID)).all()
                    .get(MAX_STARTUP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
                throw new IllegalStateException("The transaction coordinator of the embedded broker did not start",
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("The transaction coordinator of the embedded broker did not start in "
                    + MAX_STARTUP_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the embedded broker started", e);
        }
    }

    private Properties brokerProperties(int brokerPort, int ctrlPort) {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + ctrlPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("listeners", BROKER_LISTENER + "://" + bindHost() + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + ctrlPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + advertisedHost + ":" + brokerPort);
        props.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", dataDir.toString());
        props.put("metadata.log.dir", dataDir.toString());

        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // a typo in a topic name must fail, not create a topic with the default settings that no one reads
        props.put("auto.create.topics.enable", "false");

        props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        props.put("log.retention.hours", "168");
        // The cleaner's offset map is allocated up front (128 MiB by default): too much for a process that also
        // runs the application.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        // Thread pools sized for one node sharing its process with the application.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "2");
        props.put("background.threads", "4");
        props.put("group.coordinator.threads", "1");
        props.put("share.coordinator.threads", "1");
        props.put("server.max.startup.time.ms", Long.toString(MAX_STARTUP_MILLIS));

        props.putAll(configOverrides);
        final Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    static final String TRANSACTION_VERSION_FEATURE = "transaction.version";
    static final short TRANSACTION_VERSION = 1;

    private void format(KafkaConfig config) {
        final String dir = dataDir.toString();
        final Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(clusterId)
                .setDirectories(List.of(dir))
                .setMetadataLogDirectory(dir)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                // transactions v1: the producer registers each partition with the coordinator before writing to it,
                // so after a kill -9 of this process (coordinator and partition leaders at once) the restarted
                // coordinator aborts every partition a transaction touched; under v2 one on __consumer_offsets
                // could be left open, holding the notification application's offsets unstable for good
                .setFeatureLevel(TRANSACTION_VERSION_FEATURE, TRANSACTION_VERSION)
                .setIgnoreFormatted(true);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka data directory " + dir
                    + " for node " + config.nodeId(), e);
        }
    }

    private Optional<String> existingClusterId() {
        if (!Files.exists(dataDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return Optional.empty();
        }
        try {
            return new MetaPropertiesEnsemble.Loader()
                    .addLogDirs(List.of(dataDir.toString()))
                    .load()
                    .clusterId();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + MetaPropertiesEnsemble.META_PROPERTIES_NAME
                    + " in " + dataDir, e);
        }
    }

    private String bindHost() {
        try {
            return InetAddress.getByName(advertisedHost).isLoopbackAddress() ? advertisedHost : "0.0.0.0";
        } catch (UnknownHostException e) {
            return "0.0.0.0";
        }
    }

    /** Creates {@code dir} and its missing parents with owner-only permissions where the file system has them. */
    private static void createPrivately(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** The preferred port if it is set and free, otherwise one the OS picks. */
    private static int choosePort(int preferred) {
        if (preferred > 0) {
            return preferred;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port", e);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException e) {
            log.debug("Ignoring failure while stopping a broker that did not start", e);
        }
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("Embedded Kafka broker on " + dataDir + " is not running");
        }
    }
}

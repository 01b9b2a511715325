package io.eventline.platform;

import static io.eventline.testing.Eventually.eventually;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A standalone Apache Kafka broker (KRaft, broker and controller combined) run as a process of its own, from the
 * Kafka jars of the test classpath, that admits clients only over SASL/SCRAM-SHA-512 and authorizes them with
 * ACLs (StandardAuthorizer). Its users' SCRAM credentials are written into the metadata log when the data
 * directory is formatted. The broker itself is the super user {@value #ADMIN_USER}; the controller listener is
 * plain and bound to loopback, as the controller cannot check SCRAM credentials it has not loaded yet.
 */
final class ScramKafkaBroker implements AutoCloseable {
    static final String ADMIN_USER = "admin";
    static final String MECHANISM = "SCRAM-SHA-512";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final String adminPassword;
    private final Process process;

    private ScramKafkaBroker(Path dir, int port, String adminPassword, Process process) {
        this.dir = dir;
        this.port = port;
        this.adminPassword = adminPassword;
        this.process = process;
    }

    /**
     * Formats a data directory with SCRAM credentials for the admin and for {@code users} (name to password),
     * then starts the broker and returns once it accepts connections.
     */
    static ScramKafkaBroker start(Path dir, Map<String, String> users) throws Exception {
        final int port = PlatformFixture.freePort();
        final int controllerPort = PlatformFixture.freePort();
        final String adminPassword = "admin-" + UUID.randomUUID();
        final Path config = dir.resolve("server.properties");
        Files.writeString(config, serverProperties(dir.resolve("logs"), port, controllerPort, adminPassword));

        final List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format",
                "--cluster-id", org.apache.kafka.common.Uuid.randomUuid().toString(),
                "--config", config.toString(),
                "--add-scram", scram(ADMIN_USER, adminPassword)));
        users.forEach((user, password) -> {
            format.add("--add-scram");
            format.add(scram(user, password));
        });
        final Process formatting = java(format, dir.resolve("format.log")).start();
        if (!formatting.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS) || formatting.exitValue() != 0) {
            formatting.destroyForcibly();
            throw new IllegalStateException("formatting the broker failed: "
                    + Files.readString(dir.resolve("format.log")));
        }

        final Process broker = java(List.of("kafka.Kafka", config.toString()), dir.resolve("broker.log")).start();
        final ScramKafkaBroker started = new ScramKafkaBroker(dir, port, adminPassword, broker);
        try {
            started.awaitListening();
            return started;
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    /** The client properties of a SCRAM user, as an operator puts them in Eventline's Kafka properties file. */
    static Map<String, String> clientProperties(String user, String password) {
        return Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password));
    }

    /** Lets {@code user} create, read and write any topic, consumer group and transactional ID, and nothing more. */
    void allowApplication(String user) throws Exception {
        final AccessControlEntry all = new AccessControlEntry("User:" + user, "*", AclOperation.ALL,
                AclPermissionType.ALLOW);
        final List<AclBinding> bindings = new ArrayList<>();
        for (ResourceType type : List.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID)) {
            bindings.add(new AclBinding(new ResourcePattern(type, "*", PatternType.LITERAL), all));
        }
        for (AclOperation operation : List.of(AclOperation.DESCRIBE, AclOperation.IDEMPOTENT_WRITE)) {
            bindings.add(new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster",
                    PatternType.LITERAL), new AccessControlEntry("User:" + user, "*", operation,
                    AclPermissionType.ALLOW)));
        }
        try (Admin admin = Admin.create(adminConfig())) {
            admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** An admin client authenticated as the super user; the caller closes it. */
    Admin admin() {
        return Admin.create(adminConfig());
    }

    /** The broker's output, for a failure message. */
    String log() {
        try {
            return Files.readString(dir.resolve("broker.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> adminConfig() {
        final Map<String, Object> config = new HashMap<>(clientProperties(ADMIN_USER, adminPassword));
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    private void awaitListening() throws Exception {
        final boolean started = eventually(STARTUP, Duration.ofMillis(200), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with " + process.exitValue() + ": " + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("localhost", port), 200);
                // listening is not enough: the admin must see the broker registered and ACLs must be writable
                try (Admin admin = Admin.create(adminConfig())) {
                    return !admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty();
                }
            } catch (IOException | java.util.concurrent.ExecutionException e) {
                return false;
            }
        });
        if (!started) {
            throw new IllegalStateException("the broker did not start within " + STARTUP + ": " + log());
        }
    }

    private static ProcessBuilder java(List<String> arguments, Path output) {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    }

    private static String scram(String user, String password) {
        return MECHANISM + "=[name=" + user + ",password=" + password + "]";
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static String serverProperties(Path logs, int port, int controllerPort, String adminPassword) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@localhost:" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "listeners=SASL_PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=SASL_PLAINTEXT://localhost:" + port,
                "listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=SASL_PLAINTEXT",
                "sasl.enabled.mechanisms=" + MECHANISM,
                "sasl.mechanism.inter.broker.protocol=" + MECHANISM,
                "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
                        + jaas(ADMIN_USER, adminPassword).replace("\"", "\\\""),
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                // ANONYMOUS is the broker reaching its own controller over the plain loopback listener
                "super.users=User:" + ADMIN_USER + ";User:ANONYMOUS",
                "allow.everyone.if.no.acl.found=false",
                "log.dirs=" + logs,
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "num.network.threads=2",
                "num.io.threads=2",
                "log.cleaner.dedupe.buffer.size=8388608",
                "") ;
    }
}

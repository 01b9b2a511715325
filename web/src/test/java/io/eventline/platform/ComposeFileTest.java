package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker/compose.yaml} with its nginx, Prometheus and Grafana files and {@code docker/Dockerfile}, checked
 * without a Docker engine: Debian's {@code docker-compose} (v1) resolves the file, Debian's {@code nginx -t} and
 * {@code promtool} check what it mounts, and the Eventline services' settings are read by {@link EventlineConfig}.
 */
@Tag("integration")
class ComposeFileTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKER = REPO.resolve("docker");
    private static final Path COMPOSE_FILE = DOCKER.resolve("compose.yaml");
    private static final Map<String, String> REQUIRED = Map.of(
            "EVENTLINE_JWT_SECRET", "a-jwt-secret-of-at-least-32-characters-for-compose",
            "EVENTLINE_METRICS_TOKEN", "a-metrics-token-of-at-least-32-characters",
            "EVENTLINE_REGISTRY_USER_INFO", "eventline:a-registry-password",
            "GRAFANA_ADMIN_PASSWORD", "a-grafana-password");
    /** Read by the JVM or by {@link EventlineConfig#load} itself rather than listed among its settings. */
    private static final Set<String> READ_OUTSIDE_DEFAULTS = Set.of("EVENTLINE_CONFIG_FILE", "JAVA_TOOL_OPTIONS");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern UPSTREAM_SERVER =
            Pattern.compile("(?m)^\\s*server\\s+([A-Za-z0-9.-]+):(\\d+)([^;]*);");

    private static ResolvedCompose compose;
    private static List<String> instances;

    @TempDir
    Path dir;

    @BeforeAll
    static void resolve() throws Exception {
        compose = ResolvedCompose.of(COMPOSE_FILE, REQUIRED);
        instances = compose.builtFrom("docker/Dockerfile");
    }

    @Test
    void shouldBeAcceptedByDockerComposeOnlyWithEveryRequiredSetting() throws Exception {
        // Given the file resolved with every required setting (before all tests: it fails them if compose refuses)
        assertThat(instances).isNotEmpty();

        // When it is checked with none
        final ToolRun refused = dockerComposeConfigQuiet(Map.of());

        // Then compose refuses it, naming one
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).containsPattern("set (" + String.join("|", REQUIRED.keySet()) + ")");
        // and the variables the file reads are these, each one compose refuses to start without (${NAME:?...})
        final String file = Files.readString(COMPOSE_FILE);
        assertThat(names(file, "(?<!\\$)\\$\\{([A-Z0-9_]+)")).isEqualTo(new TreeSet<>(REQUIRED.keySet()));
        assertThat(names(file, "(?<!\\$)\\$\\{([A-Z0-9_]++)(?!:\\?set \\1\\b)")).isEmpty();
    }

    @Test
    void shouldSetOnlySettingsEventlineReadsOnItsInstances() throws Exception {
        // Given the instances built from docker/Dockerfile, and the settings the image itself sets
        assertThat(instances).containsExactly("eventline-1", "eventline-2", "eventline-3");
        final Set<String> known = new HashSet<>(EventlineConfig.DEFAULTS.keySet());
        known.addAll(READ_OUTSIDE_DEFAULTS);

        // Then every name is one Eventline reads: a misspelt one would be ignored without a word
        assertThat(known).containsAll(dockerfileEnv().keySet());
        for (String instance : instances) {
            assertThat(known).as(instance).containsAll(compose.environment(instance).keySet());
        }
    }

    @Test
    void shouldStartEveryInstanceWithItsSettingsAsTheClusterNeedsThem() throws Exception {
        // Given nginx's published address and its address on the compose network
        final int nginxPort = compose.publishedPorts("nginx").get(8080);
        final String nginxAddress = compose.service("nginx").path("networks").path("default")
                .path("ipv4_address").asText();
        final List<EventlineConfig> configs = new ArrayList<>();

        for (String instance : instances) {
            // When the instance's environment (the image's, then compose's) is loaded as at its start
            final Map<String, String> env = new LinkedHashMap<>(dockerfileEnv());
            env.putAll(compose.environment(instance));
            final EventlineConfig config = EventlineConfig.load(env);
            configs.add(config);

            // Then it joins the three brokers, replicates its topics three times and keeps standbys
            assertThat(config.kafkaBootstrapServers()).contains(String.join(",", brokerListeners("PLAINTEXT")));
            assertThat(config.topicReplicationFactor()).contains((short) 3);
            assertThat(config.standbyReplicas()).isEqualTo(1);
            // links and the chat socket point at nginx; other instances reach it by its service name
            assertThat(config.publicUrl()).isEqualTo("http://localhost:" + nginxPort);
            assertThat(config.socketUrl()).isEqualTo("ws://localhost:" + nginxPort + "/ws");
            assertThat(URI.create(config.advertisedUrl()).getHost()).isEqualTo(instance);
            assertThat(URI.create(config.advertisedUrl()).getPort()).isEqualTo(config.httpPort());
            // only nginx may name the client in X-Forwarded-For
            assertThat(config.rateLimit().trustedProxies()).containsExactly(nginxAddress);
            assertThat(config.embeddedKafka()).isFalse();
            assertThat(config.embeddedRegistry()).isTrue();
        }

        // And they share the secrets
        assertThat(configs).extracting(EventlineConfig::jwtSecret).containsOnly(configs.get(0).jwtSecret());
        assertThat(configs).extracting(EventlineConfig::metricsToken).containsOnly(configs.get(0).metricsToken());
        assertThat(configs).extracting(c -> c.registry().userInfo()).containsOnly(configs.get(0).registry().userInfo());
        assertThat(configs.get(0).jwtSecret()).contains(REQUIRED.get("EVENTLINE_JWT_SECRET"));
    }

    @Test
    void shouldGiveEveryInstanceItsOwnIdentityAndData() throws Exception {
        // When
        final List<EventlineConfig> configs = new ArrayList<>();
        for (String instance : instances) {
            configs.add(EventlineConfig.load(compose.environment(instance)));
        }

        // Then instance IDs, worker IDs (also modulo the partitions: each reads its own outcomes partition),
        // advertised URLs and data volumes differ
        assertThat(configs).extracting(EventlineConfig::instanceId).doesNotHaveDuplicates();
        assertThat(configs).extracting(EventlineConfig::workerId).doesNotHaveDuplicates();
        assertThat(configs).extracting(c -> c.workerId() % c.topicPartitions()).doesNotHaveDuplicates();
        assertThat(configs).extracting(EventlineConfig::advertisedUrl).doesNotHaveDuplicates();
        final String dataDir = dockerfileEnv().get("EVENTLINE_DATA_DIR");
        final List<String> dataVolumes = instances.stream().flatMap(instance -> compose.mounts(instance).stream())
                .filter(mount -> mount.target().equals(dataDir))
                .map(ResolvedCompose.Mount::source).toList();
        assertThat(dataVolumes).hasSize(instances.size()).doesNotHaveDuplicates();
    }

    @Test
    void shouldRunTheJarWithTheRunCommandFromTheImage() throws Exception {
        // Given the image's last stage
        final List<String> stage = finalStage();
        final List<String> entrypoint = jsonArray(stage, "ENTRYPOINT");
        final List<String> cmd = jsonArray(stage, "CMD");
        final Matcher copy = Pattern.compile("COPY --from=build (\\S+) (\\S+)").matcher(String.join("\n", stage));
        assertThat(copy.find()).as("the jar copied from the build stage").isTrue();

        // Then it runs the web module's shaded jar, where the build stage leaves it, with `run`
        assertThat(copy.group(1)).isEqualTo("/src/web/target/eventline.jar");
        assertThat(String.join(" ", entrypoint)).contains("exec java -jar " + copy.group(2) + " \"$@\"");
        assertThat(cmd).containsExactly("run");

        // When the same command line runs the jar this build made, asking `run` for its usage
        final List<String> command = new ArrayList<>(entrypoint.stream()
                .map(part -> part.replace(copy.group(2), EventlineProcess.jar().toString())).toList());
        command.addAll(cmd);
        command.add("--help");
        final ToolRun run = ToolRun.of(dir, Map.of("PATH", Path.of(System.getProperty("java.home"), "bin")
                + ":" + System.getenv("PATH")), command);

        // Then it reaches the run command
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("Usage: eventline run");
    }

    @Test
    void shouldBuildEveryModuleOfTheProject() throws Exception {
        // Given the root pom's modules
        final Matcher module = Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(REPO.resolve("pom.xml")));
        final List<String> modules = new ArrayList<>();
        while (module.find()) {
            modules.add(module.group(1));
        }
        assertThat(modules).contains("web");

        // Then the build stage copies each of them, or the image's build fails
        final String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        for (String name : modules) {
            assertThat(dockerfile).as(name)
                    .containsPattern("(?m)^COPY " + Pattern.quote(name) + " " + Pattern.quote(name) + "$");
        }
    }

    @Test
    void shouldPassNginxTestWithTheUpstreamNamesAsLoopbackAddresses() throws Exception {
        // Given the nginx.conf compose mounts, whose upstream names resolve only on the compose network
        final Path mounted = Path.of(bindSource("nginx", "/etc/nginx/nginx.conf"));
        final String conf = Files.readString(mounted);
        final Matcher server = UPSTREAM_SERVER.matcher(conf);
        final Map<String, Integer> upstreams = new LinkedHashMap<>();
        final StringBuilder loopback = new StringBuilder();
        int n = 0;
        while (server.find()) {
            upstreams.put(server.group(1), Integer.parseInt(server.group(2)));
            assertThat(server.group(3)).as(server.group()).contains("max_fails=").contains("fail_timeout=");
            server.appendReplacement(loopback, Matcher.quoteReplacement(
                    server.group().replace(server.group(1) + ":", "127.0.0." + ++n + ":")));
        }
        server.appendTail(loopback);

        // Then it balances over every instance, at the port each listens on
        final Map<String, Integer> expected = new LinkedHashMap<>();
        for (String instance : instances) {
            final URI advertised = URI.create(compose.environment(instance).get("EVENTLINE_ADVERTISED_URL"));
            expected.put(advertised.getHost(), advertised.getPort());
        }
        assertThat(upstreams).isEqualTo(expected);
        assertThat(conf).contains("least_conn;")
                .contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
                .contains("proxy_set_header Upgrade $http_upgrade;")
                .contains("proxy_set_header Connection $connection_upgrade;")
                .contains("proxy_next_upstream error timeout http_502 http_503;")
                .containsPattern("location /ws \\{[^}]*proxy_pass http://eventline;[^}]*proxy_read_timeout");
        assertThat(conf).containsPattern("listen " + compose.publishedPorts("nginx").keySet().iterator().next() + ";");

        // When nginx checks the file as it is, and with the upstream names replaced by loopback addresses
        final Path copy = dir.resolve("nginx.conf");
        Files.writeString(copy, loopback.toString());
        final ToolRun asIs = nginxTest(mounted);
        final ToolRun replaced = nginxTest(copy);

        // Then only the names stand in the way: here they do not resolve, on the compose network they do
        assertThat(asIs.exitCode()).isNotZero();
        assertThat(asIs.output()).contains("host not found in upstream \"eventline-1:8080\"");
        assertThat(replaced.exitCode()).as(replaced.output()).isZero();
        assertThat(replaced.output()).contains("test is successful");
    }

    @Test
    void shouldMountOnlyFilesOfTheRepository() throws Exception {
        // Given every volume of every service
        final Set<String> named = new TreeSet<>();
        compose.services().forEach(service -> compose.mounts(service).forEach(mount -> {
            if (mount.bind()) {
                // Then a host path is a file or directory of the repository
                assertThat(Path.of(mount.source())).as(service + " " + mount.target()).exists()
                        .startsWith(REPO);
            } else {
                named.add(mount.source());
            }
        }));
        assertThat(named).hasSizeGreaterThanOrEqualTo(8);

        // And the images are built from files that exist
        for (String instance : instances) {
            final JsonNode build = compose.service(instance).path("build");
            assertThat(Path.of(build.path("context").asText()).resolve(build.path("dockerfile").asText()))
                    .isRegularFile();
        }
    }

    @Test
    void shouldFormOneKraftQuorumOfThreeBrokersReplicatingThreeTimes() {
        // Given the brokers
        final List<String> brokers = compose.running("apache/kafka");
        assertThat(brokers).hasSize(3);
        final List<String> voters = new ArrayList<>();
        for (String broker : brokers) {
            final Map<String, String> env = compose.environment(broker);
            final String controllerPort = listenerPort(env.get("KAFKA_LISTENERS"), "CONTROLLER");
            voters.add(env.get("KAFKA_NODE_ID") + "@" + broker + ":" + controllerPort);

            // Then each replicates three times and acknowledges a write once two replicas have it
            assertThat(env).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
            // and keeps its log on its volume
            assertThat(compose.mounts(broker)).extracting(ResolvedCompose.Mount::target)
                    .contains(env.get("KAFKA_LOG_DIRS"));
            // and a host client is sent to the port it publishes
            final String external = listenerPort(env.get("KAFKA_ADVERTISED_LISTENERS"), "EXTERNAL");
            assertThat(compose.publishedPorts(broker)).containsEntry(
                    Integer.parseInt(listenerPort(env.get("KAFKA_LISTENERS"), "EXTERNAL")), Integer.parseInt(external));
        }

        // And they agree on the cluster and on the quorum: every broker is one of its voters
        assertThat(brokers).extracting(b -> compose.environment(b).get("KAFKA_NODE_ID")).doesNotHaveDuplicates();
        assertThat(brokers).extracting(b -> compose.environment(b).get("CLUSTER_ID")).containsOnly(
                compose.environment(brokers.get(0)).get("CLUSTER_ID"));
        for (String broker : brokers) {
            assertThat(Arrays.asList(compose.environment(broker).get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")))
                    .as(broker).containsExactlyInAnyOrderElementsOf(voters);
        }
    }

    @Test
    void shouldStartEachServiceOnceWhatItNeedsIsHealthy() {
        // Then the instances wait for healthy brokers, nginx for healthy instances, Grafana for Prometheus
        for (String instance : instances) {
            compose.running("apache/kafka").forEach(broker -> assertThat(compose.dependsOn(instance))
                    .as(instance).containsEntry(broker, "service_healthy"));
            assertThat(compose.dependsOn("nginx")).containsEntry(instance, "service_healthy");
        }
        assertThat(compose.dependsOn("grafana")).containsEntry("prometheus", "service_healthy");

        // And a service waited for as healthy says how it is checked
        compose.services().forEach(service -> compose.dependsOn(service).forEach((dependency, condition) -> {
            if (condition.equals("service_healthy")) {
                assertThat(compose.hasHealthcheck(dependency)).as(dependency).isTrue();
            }
        }));
        for (String instance : instances) {
            assertThat(String.join(" ", textList(compose.service(instance).path("healthcheck").path("test"))))
                    .contains("/ready");
        }
    }

    @Test
    void shouldPassPromtoolWithTheFilesComposeGivesPrometheus() throws Exception {
        // Given Prometheus's configuration directory laid out as compose mounts it
        final String configDir = "/etc/prometheus/";
        for (ResolvedCompose.Mount mount : compose.mounts("prometheus")) {
            if (mount.bind() && mount.target().startsWith(configDir)) {
                copy(Path.of(mount.source()), dir.resolve(mount.target().substring(configDir.length())));
            }
        }
        final JsonNode config = YAML.readTree(dir.resolve("prometheus.yml").toFile());
        final JsonNode job = config.path("scrape_configs").get(0);
        // and the token file its entrypoint writes from EVENTLINE_METRICS_TOKEN, where the configuration reads it
        final String credentials = job.path("authorization").path("credentials_file").asText();
        assertThat(String.join(" ", textList(compose.service("prometheus").path("entrypoint"))))
                .contains("\"$$EVENTLINE_METRICS_TOKEN\" > " + configDir + credentials);
        assertThat(compose.environment("prometheus").get("EVENTLINE_METRICS_TOKEN"))
                .isEqualTo(compose.environment(instances.get(0)).get("EVENTLINE_METRICS_TOKEN"));
        Files.writeString(dir.resolve(credentials), REQUIRED.get("EVENTLINE_METRICS_TOKEN"));

        // When
        final ToolRun checked = ToolRun.of(dir, Map.of(), List.of("promtool", "check", "config", "prometheus.yml"));

        // Then ops/'s rules load, and every instance is scraped
        assertThat(checked.exitCode()).as(checked.output()).isZero();
        assertThat(checked.output()).contains("alerts/eventline.rules.yml").contains("rules/eventline.recording.yml")
                .doesNotContain("FAILED");
        final List<String> targets = textList(job.path("static_configs").get(0).path("targets"));
        assertThat(targets).containsExactlyInAnyOrderElementsOf(instances.stream()
                .map(i -> URI.create(compose.environment(i).get("EVENTLINE_ADVERTISED_URL")).getAuthority()).toList());
    }

    @Test
    void shouldProvisionGrafanaWithOpsDashboardOverThatPrometheus() throws Exception {
        // Given Grafana's provisioning files as compose mounts them
        final Path provisioning = Path.of(bindSource("grafana", "/etc/grafana/provisioning"));
        final JsonNode datasource = YAML.readTree(provisioning.resolve("datasources/prometheus.yml").toFile())
                .path("datasources").get(0);
        final JsonNode provider = YAML.readTree(provisioning.resolve("dashboards/eventline.yml").toFile())
                .path("providers").get(0);

        // Then the default data source is the compose Prometheus
        assertThat(datasource.path("type").asText()).isEqualTo("prometheus");
        assertThat(datasource.path("isDefault").asBoolean()).isTrue();
        final URI url = URI.create(datasource.path("url").asText());
        assertThat(compose.services()).contains(url.getHost());
        assertThat(compose.running("prom/prometheus")).containsExactly(url.getHost());

        // And the dashboards provider reads the directory holding ops/dashboards/eventline.json
        final Path dashboards = Path.of(bindSource("grafana", provider.path("options").path("path").asText()));
        assertThat(dashboards.resolve("eventline.json")).isRegularFile();
        assertThat(dashboards).isEqualTo(REPO.resolve("ops/dashboards"));
    }

    private static Set<String> names(String text, String regex) {
        final Matcher matcher = Pattern.compile(regex).matcher(text);
        final Set<String> names = new TreeSet<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static ToolRun dockerComposeConfigQuiet(Map<String, String> env) throws Exception {
        return ToolRun.of(DOCKER, env, List.of("docker-compose", "-f", COMPOSE_FILE.toString(), "config", "-q"));
    }

    private ToolRun nginxTest(Path conf) throws Exception {
        return ToolRun.of(dir, Map.of(), List.of("nginx", "-t", "-p", dir.toString(), "-e", "stderr",
                "-c", conf.toString()));
    }

    /** The host path compose mounts at {@code target} in {@code service}. */
    private static String bindSource(String service, String target) {
        return compose.mounts(service).stream().filter(m -> m.bind() && m.target().equals(target))
                .map(ResolvedCompose.Mount::source).findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + target));
    }

    /** The advertised brokers' listeners named {@code listener}, as clients on the compose network use them. */
    private static List<String> brokerListeners(String listener) {
        return compose.running("apache/kafka").stream().map(broker -> {
            final String advertised = compose.environment(broker).get("KAFKA_ADVERTISED_LISTENERS");
            return Arrays.stream(advertised.split(",")).filter(l -> l.startsWith(listener + "://"))
                    .map(l -> l.substring(listener.length() + 3)).findFirst().orElseThrow();
        }).toList();
    }

    private static String listenerPort(String listeners, String name) {
        return Arrays.stream(listeners.split(",")).filter(l -> l.startsWith(name + "://"))
                .map(l -> l.substring(l.lastIndexOf(':') + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " listener in " + listeners));
    }

    /** The lines of the Dockerfile's last stage, continuation lines joined. */
    private static List<String> finalStage() throws IOException {
        final String joined = Files.readString(DOCKER.resolve("Dockerfile")).replace("\\\n", " ");
        final List<String> lines = joined.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        int last = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                last = i;
            }
        }
        return lines.subList(last, lines.size());
    }

    /** The environment the image's last stage sets ({@code ENV a=b c="d e"}). */
    private static Map<String, String> dockerfileEnv() throws IOException {
        final Map<String, String> env = new LinkedHashMap<>();
        final Pattern pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)");
        for (String line : finalStage()) {
            if (line.startsWith("ENV ")) {
                final Matcher m = pair.matcher(line.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
                }
            }
        }
        return env;
    }

    private static List<String> jsonArray(List<String> stage, String instruction) throws IOException {
        final List<String> found = stage.stream().filter(l -> l.startsWith(instruction + " ")).toList();
        assertThat(found).as(instruction).hasSize(1);
        return textList(new ObjectMapper().readTree(found.get(0).substring(instruction.length() + 1)));
    }

    private static List<String> textList(JsonNode array) {
        final List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static void copy(Path source, Path target) throws IOException {
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.sorted().collect(Collectors.toList())) {
                    final Path to = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(file, to);
                    }
                }
            }
        } else {
            Files.createDirectories(target.getParent());
            Files.copy(source, target);
        }
    }
}

package io.eventline.ops;

import static io.eventline.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.eventline.platform.PlatformFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real Prometheus (Debian's, a process of its own) set up from the shipped {@code ops/} files: the same
 * configuration and rules, with the target and metrics token of a test instance, scrapes and evaluations every
 * second and every {@code for:} shortened to a second, so an alert fires within seconds.
 */
final class PrometheusProcess implements AutoCloseable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FOR = Pattern.compile("(?m)^(\\s+)for: .*$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final String url;
    private final Path log;

    private PrometheusProcess(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** Starts Prometheus in {@code dir}, scraping {@code target} ({@code host:port}) with {@code metricsToken}. */
    static PrometheusProcess start(Path dir, String target, String metricsToken) throws Exception {
        final Path ops = OpsFiles.copyWithToken(dir.resolve("ops"), metricsToken);
        final ObjectNode config = (ObjectNode) YAML.readTree(ops.resolve("prometheus.yml").toFile());
        final ObjectNode global = (ObjectNode) config.path("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        for (JsonNode scrape : config.path("scrape_configs")) {
            for (JsonNode targets : scrape.path("static_configs")) {
                ((ObjectNode) targets).putArray("targets").add(target);
            }
        }
        YAML.writeValue(ops.resolve("prometheus.yml").toFile(), config);
        for (JsonNode ruleFile : config.path("rule_files")) {
            final Path rules = ops.resolve(ruleFile.asText());
            Files.writeString(rules, FOR.matcher(Files.readString(rules)).replaceAll("$1for: 1s"));
        }
        final int port = PlatformFixture.freePort();
        final Path log = dir.resolve("prometheus.log");
        final Process process = new ProcessBuilder(List.of("prometheus",
                "--config.file=" + ops.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final PrometheusProcess prometheus = new PrometheusProcess(process, "http://127.0.0.1:" + port, log);
        final boolean ready = eventually(Duration.ofSeconds(60), Duration.ofMillis(200), prometheus::ready);
        if (!ready) {
            final String output = prometheus.output();
            prometheus.close();
            throw new AssertionError("Prometheus did not become ready; its log:\n" + output);
        }
        return prometheus;
    }

    /** {@code /api/v1/alerts}: the alerts pending or firing now. */
    JsonNode alerts() throws Exception {
        return get("/api/v1/alerts").path("data").path("alerts");
    }

    /** {@code /api/v1/targets}: the scrape targets and their health. */
    JsonNode targets() throws Exception {
        return get("/api/v1/targets").path("data").path("activeTargets");
    }

    /** What Prometheus logged so far. */
    String output() throws IOException {
        return Files.readString(log);
    }

    private boolean ready() {
        if (!process.isAlive()) {
            return false;
        }
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode get(String path) throws Exception {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}

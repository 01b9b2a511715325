package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Node.js script of {@code src/test/node} that drives a page with playwright-core and reports as JSON. */
final class PageScript {
    static final Path NODE_DIR = Path.of("src", "test", "node");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PageScript() {
    }

    /** Runs {@code script} with {@code env} (secrets go here, never on the command line); its last output line. */
    static JsonNode run(String script, Map<String, String> env, Duration timeout) throws Exception {
        assertThat(NODE_DIR.resolve("node_modules/playwright-core"))
                .as("Node.js dependencies; run `npm ci` in web/src/test/node (mvn verify does)").isDirectory();
        final Path stdout = Files.createTempFile("page-script-", ".json");
        try {
            final ProcessBuilder node = new ProcessBuilder("node", script).directory(NODE_DIR.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
            node.environment().putAll(env);
            final Process process = node.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish within " + timeout);
            }
            final List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
            assertThat(lines).as("the report of " + script).isNotEmpty();
            return JSON.readTree(lines.get(lines.size() - 1));
        } finally {
            Files.deleteIfExists(stdout);
        }
    }
}

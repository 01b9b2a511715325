package io.eventline.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of a command-line tool (docker-compose, nginx, promtool, sh) with exactly the given environment. */
record ToolRun(int exitCode, String output) {

    /** Runs {@code command} in {@code directory} with {@code env} and {@code PATH} as its whole environment. */
    static ToolRun of(Path directory, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        final Process process = builder.start();
        process.getOutputStream().close();
        final byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish within 60 s");
        }
        return new ToolRun(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}

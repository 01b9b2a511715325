package io.eventline.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code promtool} (installed by the build's pre-integration-test phase when missing). */
final class Promtool {
    /** What a run printed and how it ended. */
    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Result run(Path workingDirectory, String... arguments) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        final Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).start();
        final byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + arguments[0] + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}

package io.eventline.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's Chromium, headless, run on a page of ours: its DOM after scripts ran, or a screenshot. */
public final class HeadlessChromium {
    private static final List<String> QUIET_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage");

    private HeadlessChromium() {
    }

    /** The serialized DOM of {@code url} once its scripts had {@code budgetMs} of virtual time. */
    public static String dumpDom(String url, int budgetMs) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + budgetMs, "--dump-dom", url), null);
    }

    /** Saves a PNG of {@code url} as rendered after {@code budgetMs} of virtual time. */
    public static void screenshot(String url, Path png, int budgetMs) throws IOException, InterruptedException {
        run(List.of("--virtual-time-budget=" + budgetMs, "--window-size=1280,2000",
                "--screenshot=" + png.toAbsolutePath(), url), png);
    }

    private static String run(List<String> args, Path expectedFile) throws IOException, InterruptedException {
        final Path profile = Files.createTempDirectory("chromium-profile-");
        final List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(QUIET_FLAGS);
        command.add("--user-data-dir=" + profile);
        command.addAll(args);
        final Path out = Files.createTempFile("chromium-out-", ".html");
        final Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 60 s: " + command);
        }
        final String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        if (expectedFile != null && !Files.exists(expectedFile)) {
            throw new IllegalStateException("chromium wrote no " + expectedFile);
        }
        return output;
    }

    private static String binary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Debian's chromium is not installed; "
                + "web/src/test/debian/ensure-package.sh chromium chromium installs it");
    }
}

package io.eventline.producers.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code GET} of one or more paths in turn, e.g. a short link or {@code /health}; redirects are not followed. */
@Command(name = "http-get", mixinStandardHelpOptions = true,
        description = "Load GET requests of one or more paths, taken in turn (redirects are not followed).")
final class HttpGetCommand extends HttpLoadCommand {
    @Option(names = "--path", required = true, paramLabel = "PATH",
            description = "path to get, e.g. /health or /aB3x; repeat it to cycle through several")
    List<String> paths;

    @Option(names = "--token", paramLabel = "JWT", description = "bearer token, for paths under /api/")
    String token;

    @Override
    String describeRequests() {
        if (paths.size() <= 3) {
            return "GET " + String.join(", ", paths);
        }
        return "GET " + paths.get(0) + ", " + paths.get(1) + ", ... (" + paths.size() + " paths in turn)";
    }

    @Override
    void validate() {
        for (String path : paths) {
            if (!path.startsWith("/") || path.startsWith("//")) {
                throw new IllegalArgumentException("--path must start with a single /, got '" + path + "'");
            }
        }
    }

    @Override
    HttpRequest request(URI base, long index, HttpRequest.Builder builder) {
        builder.uri(URI.create(base + pathFor(paths, index))).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build();
    }

    /** The path request {@code index} gets: the paths in turn. */
    static String pathFor(List<String> paths, long index) {
        return paths.get((int) (index % paths.size()));
    }
}

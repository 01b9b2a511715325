package io.eventline.producers.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code POST /api/v1/urls} with a new long URL each time, so every request creates a link. */
@Command(name = "http-post-urls", mixinStandardHelpOptions = true,
        description = "Load POST /api/v1/urls with unique URLs (https://example.com/load/<run>-<n>).")
final class HttpPostUrlsCommand extends HttpLoadCommand {
    static final String PATH = "/api/v1/urls";

    /** Tells the URLs of this run from those of earlier runs against the same data. */
    private final String run = Long.toString(System.currentTimeMillis(), 36);

    @Option(names = "--token", required = true, paramLabel = "JWT",
            description = "bearer token, e.g. from `eventline token USER`; repeat it to spread the requests over "
                    + "several users, taken in turn")
    List<String> tokens;

    @Override
    String describeRequests() {
        return "POST " + PATH + (tokens.size() > 1 ? " as " + tokens.size() + " users in turn" : "");
    }

    @Override
    HttpRequest request(URI base, long index, HttpRequest.Builder builder) {
        return builder.uri(URI.create(base + PATH))
                .header("Authorization", "Bearer " + tokenFor(tokens, index))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(run, index)))
                .build();
    }

    /** The token request {@code index} carries: the tokens in turn. */
    static String tokenFor(List<String> tokens, long index) {
        return tokens.get((int) (index % tokens.size()));
    }

    /** The body of request {@code index} of run {@code run}. */
    static String body(String run, long index) {
        return "{\"url\":\"https://example.com/load/" + run + "-" + index + "\"}";
    }
}

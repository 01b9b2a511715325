package io.eventline.producers.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

    @Option(names = "--record", paramLabel = "FILE",
            description = "write a line per acknowledged link (<code> TAB <url>; pending:<eventId> TAB <url> for a "
                    + "202) to FILE, for verify-urls to check later")
    Path record;

    private AcknowledgedWrites acknowledged;

    @Override
    ResponseObserver observer() throws IOException {
        if (record == null) {
            return ResponseObserver.NONE;
        }
        acknowledged = new AcknowledgedWrites(record, i -> url(run, i));
        return acknowledged;
    }

    @Override
    boolean readBodies() {
        return record != null;
    }

    @Override
    int finish(PrintWriter out, int exitCode) throws IOException {
        if (acknowledged != null) {
            acknowledged.close();
            out.printf(Locale.ROOT, "%-12s %s written to %s%n", "recorded", acknowledged.summary(), record);
        }
        return exitCode;
    }

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
        return "{\"url\":\"" + url(run, index) + "\"}";
    }

    /** The long URL request {@code index} of run {@code run} shortens. */
    static String url(String run, long index) {
        return "https://example.com/load/" + run + "-" + index;
    }
}

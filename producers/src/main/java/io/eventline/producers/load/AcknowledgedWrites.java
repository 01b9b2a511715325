package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * Writes a line for every link the instance acknowledged, so that none can go missing unnoticed later:
 * {@code <code> TAB <url>} for a {@code 200}/{@code 201}, and {@code pending:<eventId> TAB <url>} for a
 * {@code 202} (accepted, outcome not known yet). {@link VerifyUrlsCommand} checks such a file.
 */
final class AcknowledgedWrites implements ResponseObserver, AutoCloseable {
    static final String PENDING_PREFIX = "pending:";

    private final BufferedWriter writer;
    private final LongFunction<String> urlOfRequest;
    private final LongAdder recorded = new LongAdder();
    private final LongAdder pending = new LongAdder();
    private final LongAdder unreadable = new LongAdder();

    /** @param urlOfRequest the long URL request {@code i} asked to shorten */
    AcknowledgedWrites(Path file, LongFunction<String> urlOfRequest) throws IOException {
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.urlOfRequest = urlOfRequest;
    }

    @Override
    public void answered(long index, HttpResponse<String> response, long nowNanos) {
        final int status = response.statusCode();
        if (status / 100 != 2) {
            return;
        }
        final String line = line(status, response.body(), urlOfRequest.apply(index));
        if (line == null) {
            unreadable.increment();
            return;
        }
        (line.startsWith(PENDING_PREFIX) ? pending : recorded).increment();
        synchronized (writer) {
            try {
                writer.write(line);
                writer.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void failed(long index, Throwable error, long nowNanos) {
    }

    /** The record line of a 2xx answer with {@code body} to a request for {@code url}; null if it names no link. */
    static String line(int status, String body, String url) {
        final JsonNode answer;
        try {
            answer = ChatSocket.JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            return null;
        }
        if (answer == null) {
            return null;
        }
        if (status == 202) {
            final String eventId = answer.path("eventId").asText("");
            return eventId.isEmpty() ? null : PENDING_PREFIX + eventId + "\t" + url;
        }
        final String code = answer.path("code").asText("");
        // the answer's url is the link as stored (normalised), which the redirect's Location carries
        final String stored = answer.path("url").asText(url);
        return code.isEmpty() ? null : code + "\t" + stored;
    }

    /** {@code 1,200 links, 3 pending}: what was written. */
    String summary() {
        return ChatFrames.count(recorded.sum()) + " links, " + ChatFrames.count(pending.sum()) + " pending"
                + (unreadable.sum() > 0 ? ", " + ChatFrames.count(unreadable.sum()) + " 2xx without a link" : "");
    }

    @Override
    public void close() throws IOException {
        synchronized (writer) {
            writer.close();
        }
    }
}

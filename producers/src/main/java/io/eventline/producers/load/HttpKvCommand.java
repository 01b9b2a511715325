package io.eventline.producers.load;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code PUT}s of fixed-size values into the key-value store, the keys of one or more namespaces in turn. Each
 * value starts with its write's request number, so {@code --stale-reads} can read the same keys beside the writes
 * (with {@code ?consistency=eventual}) and tell how far behind the acknowledged writes each value read is.
 */
@Command(name = "http-kv", mixinStandardHelpOptions = true,
        description = "Load PUT /api/v1/kv/{namespace}/{key} with values of a fixed size, optionally reading the "
                + "same keys with ?consistency=eventual to measure how stale those reads are.")
final class HttpKvCommand extends HttpLoadCommand {
    static final int MAX_SIZE = 1 << 20;

    @Option(names = "--token", required = true, paramLabel = "JWT", description = "bearer token of the namespaces' owner")
    String token;

    @Option(names = "--namespace", required = true, paramLabel = "NS",
            description = "namespace to write into (it must exist); repeat it to spread the keys over several")
    List<String> namespaces;

    @Option(names = "--keys", defaultValue = "100", paramLabel = "N",
            description = "keys per namespace, k0 to k<N-1>, written in turn (default ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--size", defaultValue = "1024", paramLabel = "BYTES",
            description = "bytes per value (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--stale-reads", paramLabel = "PER_SECOND",
            description = "also GET the same keys with ?consistency=eventual at this fixed rate, for as long as the "
                    + "writes, and report how far behind the acknowledged writes the values read were")
    Double staleReads;

    @Option(names = "--read-url", paramLabel = "URL",
            description = "base URL the --stale-reads go to, e.g. a second instance's (default: --url)")
    String readUrl;

    private final AtomicReference<StaleReads> reads = new AtomicReference<>();

    @Override
    String describeRequests() {
        final String where = namespaces.size() == 1 ? namespaces.get(0) : namespaces.size() + " namespaces";
        return String.format(Locale.ROOT, "PUT /api/v1/kv/{namespace}/{key}, %d B values, %d keys of %s in turn", size,
                keys, where) + (staleReads == null ? "" : "; eventual GETs of the same keys at " + staleReads + "/s");
    }

    @Override
    void validate() {
        if (keys < 1 || size < 24 || size > MAX_SIZE) {
            throw new IllegalArgumentException("--keys must be at least 1 and --size 24 to " + MAX_SIZE);
        }
        if (staleReads != null && !(staleReads > 0 && staleReads <= FixedRateSchedule.MAX_RATE)) {
            throw new IllegalArgumentException("--stale-reads must be above 0 and at most "
                    + (long) FixedRateSchedule.MAX_RATE);
        }
    }

    @Override
    HttpRequest request(URI base, long index, HttpRequest.Builder builder) {
        return builder.uri(URI.create(base + path(index))).header("Authorization", "Bearer " + token)
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(value(index, size))).build();
    }

    /** The path of the key request {@code index} writes (and a stale read of that number reads). */
    String path(long index) {
        final long slot = slot(index);
        return "/api/v1/kv/" + namespaces.get((int) (slot % namespaces.size())) + "/k" + slot / namespaces.size();
    }

    long slot(long index) {
        return index % ((long) keys * namespaces.size());
    }

    /** {@code size} bytes: the write's number, a space, then padding. */
    static byte[] value(long index, int size) {
        final byte[] number = (index + " ").getBytes(StandardCharsets.US_ASCII);
        final byte[] value = Arrays.copyOf(number, size);
        Arrays.fill(value, number.length, size, (byte) 'x');
        return value;
    }

    /** The write number a value starts with, or -1 when it starts with none. */
    static long writeNumber(String value) {
        final int space = value == null ? -1 : value.indexOf(' ');
        try {
            return space < 1 ? -1 : Long.parseLong(value.substring(0, space));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    ResponseObserver observer() {
        if (staleReads == null) {
            return ResponseObserver.NONE;
        }
        // the reads run beside the writes, on their own client, from the moment the writes start
        final URI readBase = LoopbackTargets.httpBase(readUrl == null ? url : readUrl);
        final StaleReads started = StaleReads.start(new FixedRateSchedule(staleReads, warmup, duration), connections,
                timeout, this::slot, i -> HttpRequest.newBuilder().timeout(timeout)
                        .header("User-Agent", "eventline-load").header("Authorization", "Bearer " + token)
                        .uri(URI.create(readBase + path(i) + "?consistency=eventual")).GET().build());
        reads.set(started);
        return started.writes();
    }

    @Override
    int finish(PrintWriter out, int exitCode) {
        final StaleReads started = reads.get();
        if (started == null) {
            return exitCode;
        }
        try {
            out.print(started.report());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return exitCode;
    }
}

package io.eventline.shorturl.bench;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import io.eventline.shorturl.LinkCreated;
import io.eventline.shorturl.ShortUrlRequested;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What LZ4 costs and saves on the record batches one {@code POST /api/v1/urls} writes: the request, the link, its
 * outcome and their changelog values, serialized as the application does, in batches of 1 (what {@code linger.ms=1}
 * makes of them at a few hundred writes a second), 4 and 16 records. Per batch: bytes on the wire, and CPU to
 * write it (producer) and to read it back (once for the broker's validation, once per consumer).
 *
 * <p>{@code mvn -B -q -o -pl streams-app exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.eventline.shorturl.bench.BatchCompressionCost}
 */
public final class BatchCompressionCost {
    private static final int ROUNDS = 200_000;

    private BatchCompressionCost() {
    }

    public static void main(String[] args) {
        final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
        final Instant now = Instant.parse("2026-12-06T10:00:00Z");
        final String eventId = "7404857092137373696";
        final String url = "https://example.com/load/" + java.util.UUID.randomUUID();
        final LinkCreated link = LinkCreated.newBuilder().setEventId(eventId).setTimestamp(now).setCode("x9Kq2Lb")
                .setUrl(url).setRedirect(302).setOwnerId("user-17").build();
        final OperationOutcome outcome = Outcomes.accepted(eventId, "user-17", 201,
                "{\"code\":\"x9Kq2Lb\",\"shortUrl\":\"http://localhost:8080/x9Kq2Lb\",\"url\":\"" + url
                        + "\",\"redirect\":302,\"createdAt\":\"2026-12-06T10:00:00Z\"}", now);
        final ShortUrlRequested request = ShortUrlRequested.newBuilder().setEventId(eventId).setTimestamp(now)
                .setUserId("user-17").setUrl(url).setRedirect(302).build();
        final List<byte[]> values = List.of(
                serdes.of(ShortUrlRequested.class).serializer().serialize("shorturl.requests.v1", request),
                serdes.of(LinkCreated.class).serializer().serialize("shorturl.links.v1", link),
                serdes.of(OperationOutcome.class).serializer().serialize("operations.outcomes.v1", outcome),
                "x9Kq2Lb".getBytes(StandardCharsets.UTF_8));
        System.out.printf(Locale.ROOT, "value sizes: %s bytes%n",
                values.stream().map(v -> Integer.toString(v.length)).toList());
        System.out.println("records  codec  bytes/batch  write ns/batch  read ns/batch");
        for (int round = 0; round < 2; round++) {
            for (int records : new int[] {1, 4, 16}) {
                for (Compression compression : List.of(Compression.NONE, Compression.lz4().build())) {
                    measure(records, compression, values, round == 1);
                }
            }
        }
    }

    private static void measure(int records, Compression compression, List<byte[]> values, boolean print) {
        final byte[] key = "user-17".getBytes(StandardCharsets.UTF_8);
        long bytes = 0;
        long writeNanos = 0;
        long readNanos = 0;
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            final long t0 = System.nanoTime();
            final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(16 * 1024), compression,
                    TimestampType.CREATE_TIME, 0L);
            for (int i = 0; i < records; i++) {
                builder.append(1_765_000_000_000L + i, key, values.get((round + i) % values.size()));
            }
            final MemoryRecords built = builder.build();
            final long t1 = System.nanoTime();
            for (RecordBatch batch : built.batches()) {
                for (Record record : batch) {
                    sink += record.valueSize();
                }
            }
            final long t2 = System.nanoTime();
            bytes += built.sizeInBytes();
            writeNanos += t1 - t0;
            readNanos += t2 - t1;
        }
        if (print) {
            System.out.printf(Locale.ROOT, "%7d  %-5s  %11.1f  %14.0f  %13.0f%n", records, compression.type().name,
                    (double) bytes / ROUNDS, (double) writeNanos / ROUNDS, (double) readNanos / ROUNDS);
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}

package io.eventline.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The key-value store's records as they are now still read what the single-data-centre version wrote (its stores'
 * changelogs and kv.writes.v1 hold them after an upgrade), and that version still reads what is written now.
 * Earlier versions are kept under {@code schema-history/kv/<Name>.<version>.avsc}.
 */
class KvSchemaEvolutionTest {
    @ParameterizedTest
    @ValueSource(strings = {"KvEntry.1", "KvNamespace.1", "KvWriteRequested.1", "KvApplied.1"})
    void shouldReadEarlierVersionsAndBeReadByThem(String version) throws IOException {
        // Given
        final Schema earlier = earlier(version);
        final Schema now = current(earlier.getFullName());

        // When
        final SchemaCompatibilityType backward = SchemaCompatibility.checkReaderWriterCompatibility(now, earlier)
                .getType();
        final SchemaCompatibilityType forward = SchemaCompatibility.checkReaderWriterCompatibility(earlier, now)
                .getType();

        // Then
        assertThat(backward).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(forward).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Schema current(String fullName) {
        return switch (fullName) {
            case "io.eventline.kv.KvEntry" -> KvEntry.getClassSchema();
            case "io.eventline.kv.KvNamespace" -> KvNamespace.getClassSchema();
            case "io.eventline.kv.KvWriteRequested" -> KvWriteRequested.getClassSchema();
            case "io.eventline.kv.KvApplied" -> KvApplied.getClassSchema();
            default -> throw new IllegalArgumentException(fullName);
        };
    }

    private static Schema earlier(String version) throws IOException {
        try (InputStream in = KvSchemaEvolutionTest.class.getResourceAsStream(
                "/schema-history/kv/" + version + ".avsc")) {
            assertThat(in).as(version).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }
}

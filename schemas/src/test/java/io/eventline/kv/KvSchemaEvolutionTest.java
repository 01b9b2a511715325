package io.eventline.kv;

import io.eventline.serde.SchemaHistory;
import java.io.IOException;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The key-value store's records as they are now still read what the single-data-centre version wrote (its stores'
 * changelogs and kv.writes.v1 hold them after an upgrade), and that version still reads what is written now.
 */
class KvSchemaEvolutionTest {
    @ParameterizedTest
    @ValueSource(strings = {"KvEntry.1", "KvNamespace.1", "KvWriteRequested.1", "KvApplied.1"})
    void shouldReadEarlierVersionsAndBeReadByThem(String version) throws IOException {
        SchemaHistory.assertCompatible("kv", version, current(version.substring(0, version.indexOf('.'))));
    }

    private static Schema current(String name) {
        return switch (name) {
            case "KvEntry" -> KvEntry.getClassSchema();
            case "KvNamespace" -> KvNamespace.getClassSchema();
            case "KvWriteRequested" -> KvWriteRequested.getClassSchema();
            case "KvApplied" -> KvApplied.getClassSchema();
            default -> throw new IllegalArgumentException(name);
        };
    }
}

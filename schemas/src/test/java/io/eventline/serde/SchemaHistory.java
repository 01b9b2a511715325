package io.eventline.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Earlier versions of a domain's records, kept under {@code schema-history/<domain>/<Name>.<version>.avsc}, against
 * the records as they are now: each must read the other (the registry's BACKWARD level, and instances of both
 * versions sharing topics during an upgrade).
 */
public final class SchemaHistory {
    private SchemaHistory() {
    }

    /**
     * Asserts that {@code now} reads what {@code version} of {@code domain} wrote and the other way round.
     *
     * @param named schemas the earlier version names without defining them
     */
    public static void assertCompatible(String domain, String version, Schema now, Schema... named)
            throws IOException {
        final Schema earlier = earlier(domain, version, named);
        assertThat(earlier.getFullName()).isEqualTo(now.getFullName());
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(now, earlier).getType()).as("%s read now",
                version).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(earlier, now).getType()).as("%s reading now",
                version).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Schema earlier(String domain, String version, Schema... named) throws IOException {
        final Schema.Parser parser = new Schema.Parser();
        for (Schema schema : named) {
            parser.parse(schema.toString());
        }
        try (InputStream in = SchemaHistory.class.getResourceAsStream(
                "/schema-history/" + domain + "/" + version + ".avsc")) {
            assertThat(in).as(version).isNotNull();
            return parser.parse(in);
        }
    }
}

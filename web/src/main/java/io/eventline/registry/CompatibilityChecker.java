package io.eventline.registry;

import io.eventline.registry.client.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/** Decides schema evolution with Avro's own reader/writer resolution rules. */
final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /**
     * Checks {@code candidate} against earlier versions as {@code level} demands: the latest only, or all of
     * them for transitive levels.
     *
     * @param existing the earlier versions, oldest first
     * @return one message per incompatibility found; empty when compatible
     */
    static List<String> check(CompatibilityLevel level, Schema candidate, List<VersionedSchema> existing) {
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return List.of();
        }
        final List<VersionedSchema> compared = level.transitive()
                ? existing
                : List.of(existing.get(existing.size() - 1));
        final List<String> messages = new ArrayList<>();
        for (int i = compared.size() - 1; i >= 0; i--) {
            final VersionedSchema previous = compared.get(i);
            if (level.backward()) {
                describe(messages, SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous.schema()),
                        "the new schema cannot read data written with version " + previous.version());
            }
            if (level.forward()) {
                describe(messages, SchemaCompatibility.checkReaderWriterCompatibility(previous.schema(), candidate),
                        "version " + previous.version() + " cannot read data written with the new schema");
            }
        }
        return messages;
    }

    private static void describe(List<String> messages, SchemaCompatibility.SchemaPairCompatibility pair,
                                 String direction) {
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            messages.add(incompatibility.getType() + " at '" + incompatibility.getLocation() + "': "
                    + incompatibility.getMessage() + " (" + direction + ")");
        }
    }

    /** A schema with the version it has under some subject. */
    record VersionedSchema(int version, Schema schema) {
    }
}

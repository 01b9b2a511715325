package io.eventline.shorturl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class CodePartitionsTest {
    @Test
    void shouldPlaceACodeWhereKafkasDefaultPartitionerPutsItsKey() {
        // Given: the code permutation and 6 partitions
        final CodeCipher cipher = new CodeCipher("secret");
        final CodePartitions placement = new CodePartitions(6);

        // When / Then: every code lands where a producer (and so a redirect's owner lookup) puts it
        for (long index = 0; index < 2_000; index++) {
            final String code = cipher.codeOf(index);
            assertThat(placement.of(code))
                    .isEqualTo(BuiltInPartitioner.partitionForKey(code.getBytes(StandardCharsets.UTF_8), 6));
        }
    }
}

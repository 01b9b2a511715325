package io.eventline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DurabilityTest {

    @Test
    void shouldReadBothSettingsAsWritten() {
        assertThat(Durability.parse("page-cache")).isEqualTo(Durability.PAGE_CACHE);
        assertThat(Durability.parse(" FSYNC ")).isEqualTo(Durability.FSYNC);
    }

    @Test
    void shouldNameTheAcceptedValuesOfAnUnknownOne() {
        assertThatThrownBy(() -> Durability.parse("sync"))
                .hasMessageContaining("page-cache").hasMessageContaining("fsync").hasMessageContaining("'sync'");
    }

    @Test
    void shouldMakeTheEmbeddedBrokerFlushEachRecordOnlyUnderFsync() {
        assertThat(Durability.FSYNC.brokerConfig()).isEqualTo(Map.of("log.flush.interval.messages", "1"));
        assertThat(Durability.PAGE_CACHE.brokerConfig()).isEmpty();
    }
}

package io.eventline.notify.sending;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.notify.DeliveryProvider;
import io.eventline.notify.NotifyTopics;
import io.eventline.registry.client.SchemaRegistryException;
import io.eventline.streams.StreamsSettings;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SenderTopicsTest {

    @Test
    void shouldDefaultToTheNotifyTopics() {
        final SenderTopics topics = SenderTopics.DEFAULT;

        assertThat(topics.deliveries(DeliveryProvider.SMTP)).isEqualTo(NotifyTopics.EMAIL.name());
        assertThat(topics.retries()).containsExactly(NotifyTopics.RETRY_5S.name(), NotifyTopics.RETRY_1M.name(),
                NotifyTopics.RETRY_10M.name());
        assertThat(topics.status()).isEqualTo(NotifyTopics.STATUS.name());
        assertThat(topics.rawDeadLetters()).isEqualTo(StreamsSettings.DEAD_LETTER_TOPIC);
        assertThat(topics.all()).hasSize(11);
    }

    @Test
    void shouldRenameEveryTopic() {
        final SenderTopics renamed = SenderTopics.DEFAULT.renamed(name -> name + ".test");

        assertThat(renamed.all()).allMatch(name -> name.endsWith(".test")).hasSize(11);
        assertThat(renamed.deliveries(DeliveryProvider.APNS)).isEqualTo(NotifyTopics.APNS.name() + ".test");
    }

    @Test
    void shouldDeadLetterOnlyRecordsThatCannotBeReadEvenWithTheRegistryUp() {
        assertThat(RawDeadLetter.unreadable(new SerializationException("bad magic byte"))).isTrue();
        assertThat(RawDeadLetter.unreadable(new SerializationException("unknown id",
                new SchemaRegistryException(40403, "Schema 9 not found")))).isTrue();
        assertThat(RawDeadLetter.unreadable(new SerializationException("registry down",
                new SchemaRegistryException("connection refused", null)))).isFalse();
        assertThat(RawDeadLetter.unreadable(new SerializationException("registry failing",
                new SchemaRegistryException(50001, "store error")))).isFalse();
    }
}

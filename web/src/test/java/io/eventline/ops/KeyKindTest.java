package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.http.ProblemException;
import io.eventline.operations.OperationTopics;
import io.eventline.ratelimit.DescriptorEntry;
import io.eventline.ratelimit.RateLimitKeys;
import io.eventline.shorturl.ShortUrlTopics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KeyKindTest {

    @Test
    void shouldReadADescriptorAsTheCounterKeyTheLimiterWrites() {
        // When
        final String named = KeyKind.RATELIMIT.canonical("rewards:device=d-42", "eventline");
        final String own = KeyKind.RATELIMIT.canonical("endpoint=GET /{code},ip=::1", "eventline");

        // Then
        assertThat(named).isEqualTo(RateLimitKeys.counterKey("rewards", List.of(new DescriptorEntry("device", "d-42"))));
        assertThat(own).isEqualTo(RateLimitKeys.counterKey("eventline", List.of(
                new DescriptorEntry("endpoint", "GET /{code}"), new DescriptorEntry("ip", "::1"))));
    }

    @Test
    void shouldKeepOtherKindsOfKeyAsTheyAre() {
        assertThat(KeyKind.USER.canonical("alice", "eventline")).isEqualTo("alice");
        assertThat(KeyKind.SHORTURL.canonical("bdLquzH", "eventline")).isEqualTo("bdLquzH");
    }

    @Test
    void shouldRefuseKeysThatAreTooLongHoldControlCharactersOrAreNoDescriptor() {
        for (String bad : new String[]{"x".repeat(KeyKind.MAX_KEY_LENGTH + 1), "al\u0000ice", "a\nb", " "}) {
            assertThatThrownBy(() -> KeyKind.USER.canonical(bad, "eventline"))
                    .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
        for (String bad : new String[]{"no-pairs", "eventline:", "=value", "user=a,,ip=b"}) {
            assertThatThrownBy(() -> KeyKind.RATELIMIT.canonical(bad, "eventline"))
                    .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void shouldNameKindsByTheirPathSegmentOnly() {
        assertThat(KeyKind.named("ratelimit")).contains(KeyKind.RATELIMIT);
        assertThat(KeyKind.named("USER")).isEmpty();
        assertThat(KeyKind.named("planet")).isEmpty();
    }

    @Test
    void shouldPlaceAKeyOnThePartitionItsProducerPutsItOn() {
        for (String key : new String[]{"alice", "bdLquzH", "eventline\u0000user\u0000bob"}) {
            assertThat(KeyEventReader.partitionOf(ShortUrlTopics.LINKS, key, 12)).isEqualTo(
                    BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 12));
        }
        // a topic with a partitioner of its own is placed by it
        final String eventId = "123456789012345678";
        assertThat(KeyEventReader.partitionOf(OperationTopics.OUTCOMES, eventId, 5))
                .isEqualTo(OperationTopics.OUTCOMES.partitioner().partition(eventId, 5));
    }
}

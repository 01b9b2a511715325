package io.eventline.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class UnreachableInstancesTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final UnreachableInstances instances = new UnreachableInstances(now::get);
    private final HostInfo dead = new HostInfo("10.0.0.2", 8080);
    private final HostInfo alive = new HostInfo("10.0.0.3", 8080);

    @Test
    void shouldTakeAnInstanceThatRefusedAsUnreachableForTheHoldOnly() {
        // Given
        assertThat(instances.unreachable(dead)).isFalse();

        // When one instance refuses a connection
        assertThat(instances.refused(dead)).as("newly unreachable").isTrue();

        // Then it alone is unreachable, until the hold has passed
        assertThat(instances.unreachable(dead)).isTrue();
        assertThat(instances.unreachable(alive)).isFalse();
        now.addAndGet(UnreachableInstances.HOLD.toNanos() - 1);
        assertThat(instances.unreachable(dead)).isTrue();
        now.addAndGet(1);
        assertThat(instances.unreachable(dead)).isFalse();
    }

    @Test
    void shouldSayNewlyUnreachableOncePerHold() {
        // Given an instance that refused
        instances.refused(dead);

        // When it refuses again within the hold, and again after it
        final boolean again = instances.refused(dead);
        now.addAndGet(UnreachableInstances.HOLD.toNanos() + 1);
        final boolean afterHold = instances.refused(dead);

        // Then only the first and the one after the hold are news (one log line per hold, not per request)
        assertThat(again).isFalse();
        assertThat(afterHold).isTrue();
    }
}

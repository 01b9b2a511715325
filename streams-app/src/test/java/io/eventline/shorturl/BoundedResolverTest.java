package io.eventline.shorturl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedResolverTest {

    @Test
    void shouldGiveUpOnASlowLookupAfterTheBoundAndAskTheResolverOncePerName() throws Exception {
        // Given: a resolver that answers only when released
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger asked = new AtomicInteger();
        try (BoundedResolver resolver = new BoundedResolver(Duration.ofMillis(200), 2, host -> {
            asked.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(InetAddress.getLoopbackAddress());
        })) {
            // When: a link's host is looked up while the resolver hangs
            final long start = System.nanoTime();
            final List<InetAddress> unanswered = resolver.addresses("slow.example");
            final long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            // Then: nothing is known, after about the bound and not the resolver's time
            assertThat(unanswered).isEmpty();
            assertThat(waitedMillis).isBetween(150L, 5_000L);

            // And: once the resolver answers, the same lookup is the answer, asked for once
            release.countDown();
            Thread.sleep(100);
            assertThat(resolver.addresses("slow.example")).containsExactly(InetAddress.getLoopbackAddress());
            assertThat(asked).hasValue(1);
        }
    }
}

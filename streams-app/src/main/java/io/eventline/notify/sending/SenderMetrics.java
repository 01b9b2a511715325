package io.eventline.notify.sending;

import io.eventline.notify.DeliveryProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** One provider's meters: outcomes, provider call latency and the wait from request to first call. */
final class SenderMetrics {
    static final String DELIVERIES = "eventline.notify.deliveries";
    static final String PROVIDER_CALL = "eventline.notify.provider.call";
    static final String REQUEST_TO_CALL = "eventline.notify.request.to.call";

    /** The {@code outcome} tag of {@link #DELIVERIES}. */
    enum Outcome {
        SENT, RETRYING, FAILED, NOT_CONFIGURED, INVALID_ADDRESS;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final Timer providerCall;
    private final Timer requestToCall;

    SenderMetrics(MeterRegistry registry, DeliveryProvider provider) {
        final String tag = provider.name().toLowerCase(Locale.ROOT);
        // registered up front so every outcome reads 0 rather than missing until it first happens
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, Counter.builder(DELIVERIES)
                    .description("Deliveries by the outcome of their provider call")
                    .tag("provider", tag)
                    .tag("outcome", outcome.tag())
                    .register(registry));
        }
        providerCall = Timer.builder(PROVIDER_CALL)
                .description("Provider calls, from request to answer")
                .tag("provider", tag)
                .register(registry);
        requestToCall = Timer.builder(REQUEST_TO_CALL)
                .description("From a notification's request to its first provider call")
                .tag("provider", tag)
                .register(registry);
    }

    void outcome(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    void providerCall(long nanos) {
        providerCall.record(Duration.ofNanos(nanos));
    }

    void requestToCall(Duration wait) {
        if (!wait.isNegative()) {
            requestToCall.record(wait);
        }
    }
}

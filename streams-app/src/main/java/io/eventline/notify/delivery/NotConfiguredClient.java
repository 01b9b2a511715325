package io.eventline.notify.delivery;

/** Stands in for a provider that has no endpoint or credentials: every send answers {@link ProviderResult.NotConfigured}. */
public record NotConfiguredClient(String reason) implements ProviderClient {

    @Override
    public ProviderResult send(OutgoingMessage message) {
        return new ProviderResult.NotConfigured(reason);
    }
}

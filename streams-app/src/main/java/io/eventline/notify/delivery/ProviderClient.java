package io.eventline.notify.delivery;

/**
 * Sends one message through one notification provider, blocking until the provider answered or gave up.
 * Implementations never throw for provider or network trouble; they map it to a {@link ProviderResult}.
 * They are safe for concurrent use.
 */
public interface ProviderClient extends AutoCloseable {

    ProviderResult send(OutgoingMessage message);

    @Override
    default void close() {}
}

package io.eventline.registry;

/**
 * The ordered log through which registry instances agree on every change. Each instance applies the log, in
 * order, to its own {@link RegistryState}.
 */
interface RegistryLog extends AutoCloseable {

    /**
     * Appends {@code command} and waits until this instance has applied it.
     *
     * @return the outcome of applying it, as {@link RegistryState#apply} returned it
     * @throws RegistryException the refusal if applying refused it, or a 500 when the log failed or timed out
     */
    Object append(RegistryCommand command);

    /** Waits until this instance has applied everything appended, by any instance, before the call. */
    void catchUp();

    @Override
    void close();
}

package io.eventline.notify.sending;

import io.eventline.notify.delivery.OutgoingMessage;
import io.eventline.notify.delivery.ProviderClient;
import io.eventline.notify.delivery.ProviderResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider that records every call and answers as scripted per delivery: the listed results in order, the
 * last one repeating, or {@code Sent} when nothing is scripted. A delivery can be made to block until released.
 */
final class ScriptedClient implements ProviderClient {

    /** One call: which delivery, when (epoch ms), with what. */
    record Call(String deliveryId, long atMillis, OutgoingMessage message) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, List<ProviderResult>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> blocks = new ConcurrentHashMap<>();

    ScriptedClient answer(String deliveryId, ProviderResult... results) {
        scripts.put(deliveryId, List.of(results));
        return this;
    }

    ScriptedClient block(String deliveryId, CountDownLatch release) {
        blocks.put(deliveryId, release);
        return this;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String deliveryId) {
        return calls.stream().filter(call -> call.deliveryId().equals(deliveryId)).toList();
    }

    @Override
    public ProviderResult send(OutgoingMessage message) {
        calls.add(new Call(message.deliveryId(), System.currentTimeMillis(), message));
        final CountDownLatch block = blocks.get(message.deliveryId());
        if (block != null) {
            try {
                block.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ProviderResult.Transient("interrupted", null);
            }
        }
        final List<ProviderResult> script = scripts.get(message.deliveryId());
        if (script == null) {
            return new ProviderResult.Sent("msg-" + message.deliveryId());
        }
        final int n = answered.computeIfAbsent(message.deliveryId(), id -> new AtomicInteger()).getAndIncrement();
        return script.get(Math.min(n, script.size() - 1));
    }
}

package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboxTest {
    private static final long CAP = 1024 * 1024;
    /** A sink that completes sends only when told to, recording what is in flight. */
    private static final class ManualSink implements Outbox.Sink {
        final List<String> started = new ArrayList<>();
        final List<Runnable> completions = new ArrayList<>();
        int inFlight;
        int maxInFlight;
        String closedWith;

        @Override
        public void send(String text, Runnable sent, Consumer<Throwable> failed) {
            started.add(text);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            completions.add(() -> {
                inFlight--;
                sent.run();
            });
        }

        @Override
        public void close(int status, String reason) {
            closedWith = status + " " + reason;
        }

        void completeNext() {
            completions.remove(0).run();
        }
    }

    private static Outbox.Frame frame(String text) {
        return new Outbox.Frame("message", text, null);
    }

    @Test
    void shouldSendOneFrameAtATimeInTheOrderOffered() {
        final ManualSink sink = new ManualSink();
        final List<String> sent = new ArrayList<>();
        final Outbox outbox = new Outbox(sink, f -> sent.add(f.text()), CAP);

        outbox.offer(frame("a"));
        outbox.offer(frame("b"));
        outbox.offer(frame("c"));

        assertThat(sink.started).containsExactly("a");
        sink.completeNext();
        assertThat(sink.started).containsExactly("a", "b");
        sink.completeNext();
        sink.completeNext();
        assertThat(sink.started).containsExactly("a", "b", "c");
        assertThat(sent).containsExactly("a", "b", "c");
        assertThat(sink.maxInFlight).isEqualTo(1);
        assertThat(outbox.queued()).isZero();
    }

    @Test
    void shouldKeepGoingWhenSendsCompleteAtOnce() {
        final List<String> started = new ArrayList<>();
        final Outbox outbox = new Outbox(new Outbox.Sink() {
            @Override
            public void send(String text, Runnable sent, Consumer<Throwable> failed) {
                started.add(text);
                sent.run();
            }

            @Override
            public void close(int status, String reason) {
            }
        }, f -> { }, CAP);

        for (int i = 0; i < 5_000; i++) {
            outbox.offer(frame(Integer.toString(i)));
        }

        assertThat(started).hasSize(5_000).startsWith("0", "1").endsWith("4999");
    }

    @Test
    void shouldCloseASocketThatFallsTooFarBehind() {
        final ManualSink sink = new ManualSink();
        final Outbox outbox = new Outbox(sink, f -> { }, CAP);

        boolean accepted = true;
        for (int i = 0; i <= Outbox.MAX_QUEUED_FRAMES + 1 && accepted; i++) {
            accepted = outbox.offer(frame(Integer.toString(i)));
        }

        assertThat(accepted).isFalse();
        assertThat(sink.closedWith).startsWith(Integer.toString(Outbox.FELL_BEHIND));
        assertThat(outbox.offer(frame("later"))).isFalse();
        assertThat(sink.started).containsExactly("0");
    }

    @Test
    void shouldCloseASocketWhoseWaitingFramesHoldMoreThanTheCapAndCountOnlyWhatWaits() {
        // Given: a socket whose client has not finished reading the first frame
        final ManualSink sink = new ManualSink();
        final Outbox outbox = new Outbox(sink, f -> { }, CAP);
        final String large = "x".repeat(100_000);
        assertThat(outbox.offer(frame(large))).isTrue();

        // When: five more large frames wait (1,000,000 bytes of a 1,048,576 cap), then one is sent, then two more
        for (int i = 0; i < 5; i++) {
            assertThat(outbox.offer(frame(large))).isTrue();
        }
        assertThat(outbox.queuedBytes()).isEqualTo(1_000_000);
        sink.completeNext();
        final boolean fits = outbox.offer(frame(large));
        final boolean over = outbox.offer(frame(large));

        // Then: the frame that fits after a send is taken, the one past the cap closes the socket with 1008
        assertThat(fits).isTrue();
        assertThat(over).isFalse();
        assertThat(sink.closedWith).startsWith("1008 ");
        assertThat(outbox.queuedBytes()).isZero();
        assertThat(outbox.offer(frame("small"))).isFalse();
    }

    @Test
    void shouldStopAfterASendFails() {
        final List<String> started = new ArrayList<>();
        final Outbox outbox = new Outbox(new Outbox.Sink() {
            @Override
            public void send(String text, Runnable sent, Consumer<Throwable> failed) {
                started.add(text);
                failed.accept(new IllegalStateException("gone"));
            }

            @Override
            public void close(int status, String reason) {
            }
        }, f -> { }, CAP);

        outbox.offer(frame("a"));
        outbox.offer(frame("b"));

        assertThat(started).containsExactly("a");
    }
}

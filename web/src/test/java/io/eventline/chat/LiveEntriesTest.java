package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LiveEntriesTest {
    private final Map<Long, CompletableFuture<SyncEntry>> texts = new HashMap<>();
    private final LiveEntries live = new LiveEntries(entry -> texts.computeIfAbsent(entry.getSeq(),
            seq -> CompletableFuture.completedFuture(withText(entry))));
    private final List<String> sent = new ArrayList<>();

    @Test
    void shouldSendEachUsersEntriesInTheOrderTheyCameWhateverOrderTheirTextsArriveIn() {
        // Given: the text of alice's first entry is still being read; that of her second is at hand
        final CompletableFuture<SyncEntry> slow = new CompletableFuture<>();
        texts.put(1L, slow);

        // When
        live.deliver(entry(1), "alice", to("alice"));
        live.deliver(entry(2), "alice", to("alice"));
        live.deliver(entry(7), "bob", to("bob"));

        // Then: bob's goes out; alice's second waits for her first
        assertThat(sent).containsExactly("bob:7 text 7");

        // When: the first text arrives
        slow.complete(withText(entry(1)));

        // Then
        assertThat(sent).containsExactly("bob:7 text 7", "alice:1 text 1", "alice:2 text 2");
        // and the next entry goes out at once
        live.deliver(entry(3), "alice", to("alice"));
        assertThat(sent).endsWith("alice:3 text 3");
    }

    @Test
    void shouldLeaveAnEntryWhoseTextCannotBeReadToTheNextReadOfTheQueueAndGoOn() {
        // Given
        final CompletableFuture<SyncEntry> failing = new CompletableFuture<>();
        texts.put(1L, failing);
        live.deliver(entry(1), "alice", to("alice"));
        live.deliver(entry(2), "alice", to("alice"));

        // When
        failing.completeExceptionally(new IllegalStateException("the channel's owner answered 503"));

        // Then: the gap makes the socket read its queue; the later entry is not held back
        assertThat(sent).containsExactly("alice:2 text 2");
    }

    private Consumer<SyncEntry> to(String user) {
        return entry -> sent.add(user + ":" + entry.getSeq() + " " + entry.getMessage().getText());
    }

    private static SyncEntry entry(long seq) {
        return new SyncEntry(seq, ChatMessage.newBuilder().setChannelId("c").setMessageId(100 + seq)
                .setSenderId("carol").setClientMessageId("m" + seq).setText("")
                .setCreatedAt(Instant.EPOCH).build());
    }

    private static SyncEntry withText(SyncEntry entry) {
        return new SyncEntry(entry.getSeq(), ChatMessage.newBuilder(entry.getMessage())
                .setText("text " + entry.getSeq()).build());
    }
}

package io.eventline.chat;

import io.eventline.query.QueryRouter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the sockets of users whose partition moved away from this instance in a rebalance, with {@code 1013}
 * and the reason {@value #REASON}: their clients ask {@code GET /api/v1/chat/endpoint} again and reconnect at
 * the new owner, where their events are read, resuming from their cursors. Sockets of users whose partition this
 * instance did not own stay open. Run it every second or so; each run compares the owners of the partitions of
 * this instance's users with those of the run before.
 */
public final class MovedSockets implements Runnable {
    /** The close reason that tells a client to reconnect through the endpoint. */
    public static final String REASON = "reconnect";
    private static final Logger LOG = LoggerFactory.getLogger(MovedSockets.class);

    private final QueryRouter chat;
    private final LocalSockets sockets;
    /** The owners of the partitions of this instance's users at the last run where every owner was known. */
    private Map<Integer, HostInfo> owners = Map.of();

    /** @param chat routes to the owners of the chat application's user keys ({@code chat-users-store}) */
    public MovedSockets(QueryRouter chat, LocalSockets sockets) {
        this.chat = chat;
        this.sockets = sockets;
    }

    @Override
    public void run() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("Could not check which sockets' users moved", e);
        }
    }

    private void check() {
        final Map<Integer, HostInfo> now = new HashMap<>();
        final Map<Integer, List<String>> usersOn = new HashMap<>();
        for (String userId : sockets.users()) {
            final Optional<KeyQueryMetadata> owner = chat.ownerOf(ChatStores.USERS, userId);
            if (owner.isEmpty()) {
                // a rebalance is under way: judge once it is over
                return;
            }
            now.put(owner.get().partition(), owner.get().activeHost());
            usersOn.computeIfAbsent(owner.get().partition(), partition -> new ArrayList<>()).add(userId);
        }
        final HostInfo self = chat.self();
        now.forEach((partition, owner) -> {
            if (self.equals(owners.get(partition)) && !self.equals(owner)) {
                final List<String> moved = usersOn.get(partition);
                LOG.info("Partition {} of the chat users moved to {}:{}; closing the sockets of {} user(s) here",
                        partition, owner.host(), owner.port(), moved.size());
                moved.forEach(userId -> sockets.close(userId, Outbox.TRY_AGAIN_LATER, REASON));
            }
        });
        owners = now;
    }
}

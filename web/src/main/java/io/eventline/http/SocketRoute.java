package io.eventline.http;

import io.javalin.websocket.WsConfig;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A WebSocket endpoint. Its upgrade request is the GET {@link ApiRoute} of the same path: that route's handler
 * (with the guards wrapped around it) runs before the upgrade and refuses it by throwing, while a plain GET of
 * the path reaches the same handler as an ordinary request.
 *
 * @param handlers            what the socket does once upgraded
 * @param maxTextMessageBytes the largest text message a client may send
 * @param idleTimeout         a socket with no traffic this long is closed
 */
public record SocketRoute(String path, Consumer<WsConfig> handlers, long maxTextMessageBytes, Duration idleTimeout) {
}

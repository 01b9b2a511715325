package io.eventline.notify.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback port that nothing listens on, for connection-refused cases. */
public final class FreePort {

    private FreePort() {}

    public static int closed() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

package io.eventline.producers.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** The load generator only ever loads this machine: every target must resolve to loopback addresses only. */
public final class LoopbackTargets {
    private LoopbackTargets() {
    }

    /** {@code url} without a trailing slash, if it is an http URL of a loopback host. */
    public static URI httpBase(String url) {
        final URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "'" + url + "' must be an http URL with a host, e.g. http://localhost:8080");
        }
        requireLoopback(uri.getHost());
        final String text = uri.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    /**
     * As {@link #httpBase}, also accepting a host on a network namespace or container of this machine: an address
     * in the subnet of one of its virtual interfaces (a veth or bridge, listed in {@code /sys/devices/virtual/net}).
     */
    public static URI httpBaseOnThisMachine(String url) {
        final URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
        }
        if ("http".equals(uri.getScheme()) && uri.getHost() != null && onVirtualLink(uri.getHost())) {
            final String text = uri.toString();
            return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        }
        return httpBase(url);
    }

    static boolean onVirtualLink(String host) {
        try {
            final InetAddress target = InetAddress.getByName(host);
            for (java.net.NetworkInterface nic : java.util.Collections.list(
                    java.net.NetworkInterface.getNetworkInterfaces())) {
                if (nic.isLoopback() || !java.nio.file.Files.exists(
                        java.nio.file.Path.of("/sys/devices/virtual/net", nic.getName()))) {
                    continue;
                }
                for (java.net.InterfaceAddress address : nic.getInterfaceAddresses()) {
                    if (sameSubnet(address.getAddress(), target, address.getNetworkPrefixLength())) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sameSubnet(InetAddress one, InetAddress other, int prefixLength) {
        final byte[] a = one.getAddress();
        final byte[] b = other.getAddress();
        if (a.length != b.length || prefixLength <= 0) {
            return false;
        }
        for (int bit = 0; bit < Math.min(prefixLength, a.length * 8); bit++) {
            final int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The {@code host:port} pairs of a Kafka bootstrap list, if every host is loopback. */
    public static List<String> kafkaBootstrap(String servers) {
        final List<String> pairs = new ArrayList<>();
        for (String part : servers.split(",")) {
            final String pair = part.strip();
            final int colon = pair.lastIndexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("'" + pair + "' must be host:port");
            }
            String host = pair.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            requireLoopback(host);
            pairs.add(pair);
        }
        return pairs;
    }

    /** Fails unless {@code host} resolves, and only to loopback addresses. */
    public static void requireLoopback(String host) {
        final InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("host '" + host + "' is not loopback (" + address.getHostAddress()
                        + "); the load generator only targets this machine");
            }
        }
    }
}

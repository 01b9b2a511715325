package io.eventline.crawler;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a host name into the addresses it stands for; the crawler checks and connects to what it answers. */
@FunctionalInterface
public interface HostResolver {
    /**
     * The host's addresses, in the order a connection would try them; never empty.
     *
     * @throws UnknownHostException when the name has no address
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver (and its cache of answers), which the HTTP client uses too. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }

    /**
     * {@code names} answered from the map, every other host by {@code fallback}: test sites and the benchmark's
     * 50 host names on loopback addresses.
     */
    static HostResolver mapped(Map<String, List<InetAddress>> names, HostResolver fallback) {
        final Map<String, List<InetAddress>> copy = new HashMap<>();
        names.forEach((name, addresses) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(addresses)));
        return host -> {
            final List<InetAddress> addresses = copy.get(host.toLowerCase(Locale.ROOT));
            return addresses != null ? addresses : fallback.resolve(host);
        };
    }

    /**
     * The map of {@code host=address} pairs, comma-separated ({@code h1.test=127.0.1.1,h2.test=127.0.1.2}); a
     * host named twice has both addresses. Addresses must be literals: nothing here is looked up.
     */
    static Map<String, List<InetAddress>> parseMappings(String text) {
        final Map<String, List<InetAddress>> names = new HashMap<>();
        if (text == null || text.isBlank()) {
            return names;
        }
        for (String pair : text.split(",")) {
            final String[] parts = pair.strip().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("expected host=address, got '" + pair.strip() + "'");
            }
            names.computeIfAbsent(parts[0].strip().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .add(AddressRange.literal(parts[1].strip()));
        }
        return names;
    }
}

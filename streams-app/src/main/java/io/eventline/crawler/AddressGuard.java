package io.eventline.crawler;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Keeps the crawler off addresses a public web page must not make it reach (server-side request forgery):
 * loopback, private (RFC 1918, shared CGNAT space), link-local, unique-local, multicast, unspecified, broadcast
 * and the cloud metadata endpoints, also when wrapped in NAT64 or 6to4 IPv6 addresses. The host is resolved
 * here and the answer checked, and the caller connects to the address returned, so the check is on the address
 * actually used. A host any of whose addresses is refused is refused whole.
 * <p>
 * The allow list ({@code EVENTLINE_CRAWLER_ALLOW}, e.g. {@code 127.0.0.0/8}) lets tests and demos crawl such
 * addresses. A metadata address is let through only by an entry naming that very address, never by a wider
 * range that happens to hold it.
 */
public final class AddressGuard {
    public static final String BLOCKED_ADDRESS = "blocked-address";
    public static final String UNRESOLVED = "unresolved";

    private static final List<AddressRange> METADATA = AddressRange.parseList("169.254.169.254,fd00:ec2::254,"
            + "100.100.100.200,169.254.170.2");
    private static final List<AddressRange> SPECIAL_V4 = AddressRange.parseList("0.0.0.0/8,10.0.0.0/8,"
            + "100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,192.0.0.0/24,192.168.0.0/16,"
            + "198.18.0.0/15,224.0.0.0/4,240.0.0.0/4");
    private static final List<AddressRange> SPECIAL_V6 = AddressRange.parseList("::/96,fc00::/7,"
            + "fe80::/10,fec0::/10,ff00::/8,100::/64");
    private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");
    private static final AddressRange SIX_TO_FOUR = AddressRange.parse("2002::/16");

    private final List<AddressRange> allowed;
    private final HostResolver resolver;

    /**
     * @param allowed  ranges that may be fetched although special
     * @param resolver how host names become addresses
     */
    public AddressGuard(List<AddressRange> allowed, HostResolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.resolver = resolver;
    }

    /** The guard of {@code settings}' allow list. */
    public AddressGuard(CrawlerSettings settings, HostResolver resolver) {
        this(AddressRange.parseList(settings.allow()), resolver);
    }

    /**
     * The address to connect to for {@code host} (a name, a dotted quad or a bracketed IPv6 literal, as in a
     * URL), or why none may be: {@value #UNRESOLVED} or {@value #BLOCKED_ADDRESS}.
     */
    public Checked<InetAddress> check(String host) {
        final List<InetAddress> addresses;
        try {
            addresses = addressesOf(host);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Checked.refused(UNRESOLVED, host + " has no address");
        }
        if (addresses.isEmpty()) {
            return Checked.refused(UNRESOLVED, host + " has no address");
        }
        for (InetAddress address : addresses) {
            final String why = refusal(address);
            if (why != null) {
                return Checked.refused(BLOCKED_ADDRESS, host + " resolves to " + address.getHostAddress()
                        + " (" + why + ")");
            }
        }
        return Checked.ok(addresses.get(0));
    }

    private List<InetAddress> addressesOf(String host) throws UnknownHostException {
        if (host.startsWith("[") || AddressRange.DOTTED_QUAD.matcher(host).matches()) {
            return List.of(AddressRange.literal(host));
        }
        return resolver.resolve(host);
    }

    /** Why {@code address} is refused, or null when it may be fetched. */
    String refusal(InetAddress address) {
        if (in(METADATA, address)) {
            return allowed.stream().anyMatch(range -> range.single() && range.contains(address))
                    ? null : "cloud metadata";
        }
        final String special = special(address);
        if (special == null || in(allowed, address)) {
            return null;
        }
        return special;
    }

    private static String special(InetAddress address) {
        if (address instanceof Inet4Address) {
            return in(SPECIAL_V4, address) || isBroadcast(address) ? "private or reserved" : null;
        }
        if (in(SPECIAL_V6, address)) {
            return "private or reserved";
        }
        final InetAddress embedded = embeddedV4((Inet6Address) address);
        return embedded != null && special(embedded) != null ? "private IPv4 inside IPv6" : null;
    }

    private static boolean isBroadcast(InetAddress address) {
        for (byte b : address.getAddress()) {
            if (b != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** The IPv4 address a NAT64 (last four bytes) or 6to4 (bytes 2 to 5) address carries, else null. */
    private static InetAddress embeddedV4(Inet6Address address) {
        final byte[] bytes = address.getAddress();
        final int from;
        if (NAT64.contains(address)) {
            from = 12;
        } else if (SIX_TO_FOUR.contains(address)) {
            from = 2;
        } else {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[]{bytes[from], bytes[from + 1], bytes[from + 2], bytes[from + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean in(List<AddressRange> ranges, InetAddress address) {
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}

package io.eventline.shorturl;

import java.net.IDN;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a short link may point to, and the form it is kept in. A link must be an absolute http(s) URL of at most
 * {@value #MAX_CODE_POINTS} characters that does not lead back to this service; an accepted IRI is kept as its
 * ASCII URI (RFC 3987 section 3.1: the host in punycode, every other non-ASCII character percent-encoded as
 * UTF-8), so the stored link and every {@code Location} header are ASCII. The web layer checks links before they
 * are produced, and the stream checks them again for requests produced straight to Kafka.
 */
public final class LinkUrls {
    public static final int MAX_CODE_POINTS = 2048;
    /** RFC 6761: every name under {@code localhost} is the loopback address. */
    private static final Pattern LOCALHOST = Pattern.compile("(.+\\.)?localhost");

    private final Set<String> ownHostPorts;
    private final Set<Integer> ownPorts;
    private final Set<String> ownNames;
    private final Set<InetAddress> ownAddresses;
    private final HostResolver resolver;

    /** Names a host's addresses; an empty list when it cannot tell (unknown name, no answer in time). */
    @FunctionalInterface
    public interface HostResolver {
        List<InetAddress> addresses(String host);
    }

    /** Why a link is refused; the message is the reason, worded for the caller. */
    public static final class InvalidLinkException extends Exception {
        public InvalidLinkException(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * @param ownHostPorts {@code host:port} under which clients reach the service (its public and advertised URLs)
     * @param ownPorts     the ports the service is reached on; this machine's names and addresses count as the
     *                     service only on these
     * @param ownNames     this machine's host names
     * @param ownAddresses this machine's interface addresses
     * @param resolver     how names are resolved to addresses
     */
    public LinkUrls(Set<String> ownHostPorts, Set<Integer> ownPorts, Set<String> ownNames,
                    Set<InetAddress> ownAddresses, HostResolver resolver) {
        this.ownHostPorts = ownHostPorts.stream().map(hostPort -> {
            final int colon = hostPort.lastIndexOf(':');
            return normalizedHost(hostPort.substring(0, colon)) + hostPort.substring(colon);
        }).collect(Collectors.toUnmodifiableSet());
        this.ownPorts = Set.copyOf(ownPorts);
        this.ownNames = ownNames.stream().map(LinkUrls::normalizedHost)
                .collect(Collectors.toUnmodifiableSet());
        this.ownAddresses = Set.copyOf(ownAddresses);
        this.resolver = resolver;
    }

    /**
     * The links of a service reached under {@code ownUrls} (public and advertised URLs) and listening on
     * {@code listenPort} of this machine, whose names and interface addresses are read here.
     */
    public static LinkUrls forService(Collection<String> ownUrls, int listenPort, HostResolver resolver) {
        final Set<String> hostPorts = new HashSet<>();
        final Set<Integer> ports = new HashSet<>();
        if (listenPort > 0) {
            ports.add(listenPort);
        }
        for (String url : ownUrls) {
            final URI uri = URI.create(url);
            final int port = effectivePort(uri);
            hostPorts.add(uri.getHost() + ":" + port);
            ports.add(port);
        }
        return new LinkUrls(hostPorts, ports, machineNames(), machineAddresses(), resolver);
    }

    /**
     * The ASCII URI of {@code url}, trimmed; throws with the reason when the link is not an absolute http(s) URL
     * or leads back to this service: to one of its URLs, to a loopback or unspecified address ({@code 127.0.0.1},
     * {@code [::1]}, {@code 0.0.0.0}, {@code localhost.}) on any port, or to another name or address of this
     * machine on a port the service is reached on.
     */
    public String canonical(String url) throws InvalidLinkException {
        if (url == null) {
            throw new InvalidLinkException("url is required");
        }
        final String trimmed = url.strip();
        if (trimmed.codePointCount(0, trimmed.length()) > MAX_CODE_POINTS) {
            throw new InvalidLinkException("url must be at most " + MAX_CODE_POINTS + " characters");
        }
        final URI uri = asciiUri(trimmed);
        final String host = normalizedHost(uri.getHost());
        final int port = effectivePort(uri);
        if (leadsBack(host, port)) {
            throw new InvalidLinkException("url must not point at this shortener (it would redirect to itself)");
        }
        return uri.toASCIIString();
    }

    private static URI asciiUri(String iri) throws InvalidLinkException {
        final URI uri = parse(iri);
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidLinkException("url must be an absolute http or https URL"
                    + (scheme.isEmpty() ? "" : ", not " + scheme + ":"));
        }
        if (uri.getHost() != null && !uri.getHost().isBlank()) {
            return uri;
        }
        // java.net.URI takes a host with non-ASCII letters for a registry name: that is where IDNs end up
        final String authority = uri.getRawAuthority();
        if (authority == null || authority.isBlank()) {
            throw new InvalidLinkException("url must name a host");
        }
        final int at = authority.lastIndexOf('@');
        final String userInfo = at < 0 ? null : authority.substring(0, at);
        final String hostPort = authority.substring(at + 1);
        final int colon = hostPort.lastIndexOf(':');
        final String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        final String port = colon < 0 ? "" : hostPort.substring(colon);
        final String asciiHost;
        try {
            asciiHost = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new InvalidLinkException("url must name a valid host: " + e.getMessage());
        }
        final URI rebuilt = parse(uri.getScheme() + "://" + (userInfo == null ? "" : userInfo + "@") + asciiHost
                + port + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
        if (rebuilt.getHost() == null || rebuilt.getHost().isBlank()) {
            throw new InvalidLinkException("url must name a host");
        }
        return rebuilt;
    }

    private static URI parse(String text) throws InvalidLinkException {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidLinkException("url is not a valid URI: " + e.getReason());
        }
    }

    private boolean leadsBack(String host, int port) {
        if (ownHostPorts.contains(host + ":" + port) || LOCALHOST.matcher(host).matches()) {
            return true;
        }
        final boolean servicePort = ownPorts.contains(port);
        if (servicePort && ownNames.contains(host)) {
            return true;
        }
        for (InetAddress address : addressesOf(host)) {
            if (address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || (servicePort && ownAddresses.contains(address))) {
                return true;
            }
        }
        return false;
    }

    private List<InetAddress> addressesOf(String host) {
        if (host.startsWith("[")) {
            try {
                // a bracketed literal is read, never looked up
                return List.of(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                return List.of();
            }
        }
        final byte[] ipv4 = ipv4(host);
        return ipv4 != null ? List.of(address(ipv4)) : resolver.addresses(host);
    }

    /**
     * The IPv4 address a browser reads {@code host} as (WHATWG URL, "IPv4 parser"): one to four dot-separated
     * numbers in decimal, {@code 0x} hex or {@code 0} octal, the last filling the remaining bytes, as in
     * {@code 127.1} or {@code 0x7f000001}; null when it is a name.
     */
    static byte[] ipv4(String host) {
        final String[] parts = (host.endsWith(".") ? host.substring(0, host.length() - 1) : host).split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        final long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            final String part = parts[i];
            try {
                if (part.startsWith("0x") || part.startsWith("0X")) {
                    numbers[i] = part.length() == 2 ? 0 : Long.parseLong(part.substring(2), 16);
                } else if (part.length() > 1 && part.startsWith("0")) {
                    numbers[i] = Long.parseLong(part.substring(1), 8);
                } else {
                    numbers[i] = Long.parseLong(part);
                }
            } catch (NumberFormatException e) {
                return null;
            }
            if (numbers[i] < 0 || part.length() > 12) {
                return null;
            }
        }
        long value = numbers[numbers.length - 1];
        if (value >= 1L << (8 * (5 - numbers.length))) {
            return null;
        }
        for (int i = 0; i < numbers.length - 1; i++) {
            if (numbers[i] > 255) {
                return null;
            }
            value += numbers[i] << (8 * (3 - i));
        }
        return new byte[]{(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static InetAddress address(byte[] ipv4) {
        try {
            return InetAddress.getByAddress(ipv4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    /** Lower case, without the trailing dots of a rooted name ({@code localhost.} is {@code localhost}). */
    static String normalizedHost(String host) {
        String normalized = host.toLowerCase(Locale.ROOT);
        while (normalized.length() > 1 && normalized.endsWith(".")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        return normalized;
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static Set<String> machineNames() {
        final Set<String> names = new HashSet<>();
        try {
            final InetAddress local = InetAddress.getLocalHost();
            names.add(local.getHostName());
            names.add(local.getCanonicalHostName());
        } catch (UnknownHostException e) {
            // a machine without a resolvable name of its own still has its interface addresses
        }
        return names;
    }

    private static Set<InetAddress> machineAddresses() {
        final Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                addresses.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            // without the list, loopback and unspecified addresses are still refused
        }
        return addresses;
    }
}

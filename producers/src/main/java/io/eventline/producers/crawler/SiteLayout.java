package io.eventline.producers.crawler;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shape of the generated site: which pages each host holds and where every page links. Host {@code i}
 * (1-based) is named {@code h<i>.site.test} and listens on the {@code i}-th address counted from the first one
 * ({@code 127.0.1.1}, {@code 127.0.1.2}, ...). Its pages are {@code /} (index 0, the seed) and {@code /p/<index>}.
 *
 * <p>The same-host links of page {@code j} start with its children in a tree, {@code j*b+1 .. j*b+b} where
 * {@code b} is the number of same-host links, so every page is reachable from its host's {@code /} within
 * {@link #deepest()} links; the slots a page has no child for, and the cross-host links, go to pages picked by a
 * hash of (host, page, slot). Everything is a pure function of the options, so every run serves the same site.
 */
public final class SiteLayout {
    /** The domain every host name ends with; a crawl's scope. */
    public static final String DOMAIN = "site.test";

    private final int hosts;
    private final int pages;
    private final int sameHostLinks;
    private final int crossHostLinks;
    private final int port;
    private final int firstAddress;

    /**
     * @param hosts          how many hosts, 1 to 254
     * @param pages          pages over all hosts, spread evenly, at least one a host
     * @param links          links on each page, at least 1
     * @param crossHostLinks of those, links to other hosts' pages (none when there is one host); fewer than links
     * @param port           the port every host listens on (0 until the listeners are bound)
     * @param firstAddress   host 1's IPv4 address; the others follow it
     */
    public SiteLayout(int hosts, int pages, int links, int crossHostLinks, int port, String firstAddress) {
        if (hosts < 1 || hosts > 254 || pages < hosts || links < 1 || crossHostLinks < 0 || crossHostLinks >= links
                || port < 0 || port > 65_535) {
            throw new IllegalArgumentException("hosts 1..254, pages >= hosts, links >= 1, "
                    + "0 <= cross-host links < links, port 0..65535");
        }
        this.hosts = hosts;
        this.pages = pages;
        this.crossHostLinks = hosts == 1 ? 0 : crossHostLinks;
        this.sameHostLinks = links - this.crossHostLinks;
        this.port = port;
        this.firstAddress = ipv4(firstAddress);
        if ((this.firstAddress & 0xff) + hosts - 1 > 0xff || (this.firstAddress & 0xff) == 0) {
            throw new IllegalArgumentException("the hosts' addresses must stay within " + firstAddress + "'s /24");
        }
    }

    /** The same site on another port, once the listeners know theirs. */
    public SiteLayout onPort(int boundPort) {
        return new SiteLayout(hosts, pages, sameHostLinks + crossHostLinks, crossHostLinks, boundPort,
                addressText(1));
    }

    public int hosts() {
        return hosts;
    }

    public int pages() {
        return pages;
    }

    public int port() {
        return port;
    }

    /** Pages on host {@code host} (1-based): the total spread evenly, the first hosts taking one more. */
    public int pagesOn(int host) {
        return pages / hosts + (host - 1 < pages % hosts ? 1 : 0);
    }

    public String hostName(int host) {
        return "h" + host + "." + DOMAIN;
    }

    public String addressText(int host) {
        final int address = firstAddress + host - 1;
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    public InetAddress address(int host) {
        try {
            return InetAddress.getByName(addressText(host));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The host (1-based) listening on {@code address}, or 0 when none does. */
    public int hostAt(InetAddress address) {
        final byte[] bytes = address.getAddress();
        if (bytes.length != 4) {
            return 0;
        }
        final int value = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | bytes[3] & 0xff;
        final int host = value - firstAddress + 1;
        return host >= 1 && host <= hosts ? host : 0;
    }

    /** {@code http://h<i>.site.test:<port>}, no trailing slash. */
    public String origin(int host) {
        return "http://" + hostName(host) + ":" + port;
    }

    public static String path(int index) {
        return index == 0 ? "/" : "/p/" + index;
    }

    /** The page index a path names on host {@code host}, or -1 when it is not one of its pages. */
    public int indexOf(int host, String path) {
        if ("/".equals(path)) {
            return 0;
        }
        if (!path.startsWith("/p/") || path.length() > 12) {
            return -1;
        }
        int index = 0;
        for (int i = 3; i < path.length(); i++) {
            final char c = path.charAt(i);
            if (c < '0' || c > '9' || (i == 3 && c == '0')) {
                return -1;
            }
            index = index * 10 + (c - '0');
        }
        return path.length() > 3 && index < pagesOn(host) ? index : -1;
    }

    /** One seed a host: its {@code /}. */
    public List<String> seeds() {
        final List<String> seeds = new ArrayList<>(hosts);
        for (int host = 1; host <= hosts; host++) {
            seeds.add(origin(host) + "/");
        }
        return seeds;
    }

    /** Lines of a hosts file ({@code address name}), as {@code -Djdk.net.hosts.file} reads it. */
    public List<String> hostsFileLines() {
        final List<String> lines = new ArrayList<>(hosts);
        for (int host = 1; host <= hosts; host++) {
            lines.add(addressText(host) + " " + hostName(host));
        }
        return lines;
    }

    /** The links of page {@code index} on host {@code host}: same-host ones first, then the cross-host ones. */
    public List<Link> links(int host, int index) {
        final int onHost = pagesOn(host);
        final List<Link> links = new ArrayList<>(sameHostLinks + crossHostLinks);
        for (int slot = 0; slot < sameHostLinks; slot++) {
            final long child = (long) index * sameHostLinks + 1 + slot;
            links.add(new Link(host, child < onHost ? (int) child
                    : (int) Long.remainderUnsigned(mix(host, index, slot), onHost)));
        }
        for (int slot = 0; slot < crossHostLinks; slot++) {
            final long hash = mix(host, index, sameHostLinks + slot);
            final int other = 1 + (host - 1 + 1 + (int) Long.remainderUnsigned(hash, hosts - 1)) % hosts;
            links.add(new Link(other, (int) Long.remainderUnsigned(hash >>> 17, pagesOn(other))));
        }
        return links;
    }

    /** Links from a host's {@code /} to its farthest page through the tree: the least {@code maxDepth} that reaches all. */
    public int deepest() {
        int deepest = 0;
        for (int host = 1; host <= hosts; host++) {
            int depth = 0;
            for (long index = pagesOn(host) - 1; index > 0; index = (index - 1) / sameHostLinks) {
                depth++;
            }
            deepest = Math.max(deepest, depth);
        }
        return deepest;
    }

    /** A stable hash of where a link sits; the only source of the site's variety. */
    static long mix(long a, long b, long c) {
        long z = a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + c * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int ipv4(String text) {
        final String[] parts = text.strip().split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int address = 0;
        for (String part : parts) {
            final int value;
            try {
                value = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + text, e);
            }
            if (value < 0 || value > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            address = address << 8 | value;
        }
        return address;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d pages on %d hosts (h1..h%d.%s at %s..%s, port %d), %d links a page "
                        + "(%d to other hosts), every page within %d links of its host's /", pages, hosts, hosts,
                DOMAIN, addressText(1), addressText(hosts), port, sameHostLinks + crossHostLinks, crossHostLinks,
                deepest());
    }

    /** A link's target: a host (1-based) and a page index on it. */
    public record Link(int host, int index) {
    }
}

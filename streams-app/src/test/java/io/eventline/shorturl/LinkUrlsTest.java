package io.eventline.shorturl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkUrlsTest {
    private static final int PORT = 8080;
    private static final InetAddress LAN = address(new byte[]{(byte) 192, (byte) 168, 1, 5});

    /** The service at https://sho.rt and on port 8080 of a machine named vm-42 with the address 192.168.1.5. */
    private final LinkUrls links = new LinkUrls(Set.of("sho.rt:443", "localhost:" + PORT), Set.of(443, PORT),
            Set.of("vm-42"), Set.of(LAN, InetAddress.getLoopbackAddress()),
            host -> Map.of("back-home.example", List.of(InetAddress.getLoopbackAddress()),
                    "lan.example", List.of(LAN)).getOrDefault(host, List.of()));

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Refused, as a link back to the service or (127.1, 2130706433) as no host java.net.URI can name. */
    private void assertRefused(String url) {
        assertThatThrownBy(() -> links.canonical(url)).as(url).isInstanceOf(LinkUrls.InvalidLinkException.class)
                .hasMessageMatching(".*(this shortener|must name a host).*");
    }

    @Test
    void shouldRefuseLoopbackAndUnspecifiedAddressesInEveryForm() {
        // Given: the service on port 8080; When / Then: every way of writing this machine's loopback is refused
        for (String url : List.of("http://127.0.0.1:" + PORT + "/x", "http://127.0.0.1/x", "http://127.9.9.9:3000/",
                "http://[::1]:" + PORT + "/x", "http://[0:0:0:0:0:0:0:1]/", "http://localhost.:" + PORT + "/x",
                "http://LOCALHOST.:" + PORT + "/", "http://api.localhost/", "http://0.0.0.0:" + PORT + "/x",
                "http://[::]/", "http://127.1:" + PORT + "/", "http://2130706433:" + PORT + "/",
                "http://0x7f000001/", "http://[::ffff:127.0.0.1]/", "http://back-home.example:" + PORT + "/")) {
            assertRefused(url);
        }
    }

    @Test
    void shouldRefuseThisMachinesOtherNamesAndAddressesOnTheServicesPorts() {
        // Given: vm-42 at 192.168.1.5 is this machine; When / Then: the service's ports there are refused
        assertRefused("http://vm-42:" + PORT + "/x");
        assertRefused("http://VM-42.:" + PORT + "/x");
        assertRefused("http://192.168.1.5:" + PORT + "/x");
        assertRefused("http://lan.example:" + PORT + "/x");
        assertRefused("https://sho.rt./abc");
        // And: another service on another port of the same machine is a link like any other
        assertThat(catchCanonical("http://192.168.1.5:9000/x")).isEqualTo("http://192.168.1.5:9000/x");
    }

    @Test
    void shouldReadThisMachinesOwnNamesAndInterfaceAddresses() throws Exception {
        // Given: the links of a service listening on port 8080 of this very machine
        final LinkUrls here = LinkUrls.forService(List.of("https://sho.rt"), PORT, host -> List.of());

        // When / Then: its host name and its interface addresses on that port are refused
        final String name = InetAddress.getLocalHost().getHostName();
        assertThatThrownBy(() -> here.canonical("http://" + name + ":" + PORT + "/x")).as(name)
                .isInstanceOf(LinkUrls.InvalidLinkException.class);
        for (InetAddress address : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                .stream().flatMap(nic -> java.util.Collections.list(nic.getInetAddresses()).stream())
                .filter(address -> address instanceof java.net.Inet4Address).toList()) {
            assertThatThrownBy(() -> here.canonical("http://" + address.getHostAddress() + ":" + PORT + "/x"))
                    .as(address.toString()).isInstanceOf(LinkUrls.InvalidLinkException.class);
        }
    }

    @Test
    void shouldPercentEncodeNonAsciiPathQueryAndFragmentAsUtf8() {
        // Given / When: an IRI with non-ASCII characters in the path, the query and the fragment
        final String url = catchCanonical("https://example.com/caf\u00e9/\u65e5\u672c?q=\u00fcber&x=%41#\u00e0");

        // Then: each is UTF-8 percent-encoded, and escapes already there are kept as they were
        assertThat(url).isEqualTo("https://example.com/caf%C3%A9/%E6%97%A5%E6%9C%AC?q=%C3%BCber&x=%41#%C3%A0");
    }

    @Test
    void shouldWriteAnInternationalHostInPunycode() {
        assertThat(catchCanonical("http://b\u00fccher.example:8081/b\u00fccher?x=1"))
                .isEqualTo("http://xn--bcher-kva.example:8081/b%C3%BCcher?x=1");
        assertThat(catchCanonical("https://user@\u4f8b\u3048.\u30c6\u30b9\u30c8/"))
                .isEqualTo("https://user@xn--r8jz45g.xn--zckzah/");
    }

    @Test
    void shouldKeepAnAsciiLinkAsItIsAndRefuseOtherSchemesAndMissingHosts() {
        assertThat(catchCanonical("  https://example.com/a?b=c#d ")).isEqualTo("https://example.com/a?b=c#d");
        assertThatThrownBy(() -> links.canonical("ftp://example.com/")).hasMessageContaining("http or https");
        assertThatThrownBy(() -> links.canonical("https:///nohost")).hasMessageContaining("host");
        assertThatThrownBy(() -> links.canonical("https://exa mple.com/")).hasMessageContaining("not a valid URI");
    }

    @Test
    void shouldReadIpv4NumbersAsBrowsersDo() {
        assertThat(LinkUrls.ipv4("127.1")).containsExactly(127, 0, 0, 1);
        assertThat(LinkUrls.ipv4("0x7f.0.0.01")).containsExactly(127, 0, 0, 1);
        assertThat(LinkUrls.ipv4("3232235781")).containsExactly(192, 168, 1, 5);
        assertThat(LinkUrls.ipv4("example.com")).isNull();
        assertThat(LinkUrls.ipv4("1.2.3.4.5")).isNull();
        assertThat(LinkUrls.ipv4("256.1.1.1")).isNull();
    }

    private String catchCanonical(String url) {
        try {
            return links.canonical(url);
        } catch (LinkUrls.InvalidLinkException e) {
            throw new AssertionError(url + ": " + e.getMessage(), e);
        }
    }
}

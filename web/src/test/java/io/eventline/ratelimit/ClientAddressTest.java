package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Permission;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressTest {
    private static final String PROXY = "10.0.0.2";
    private static final String CLIENT = "198.51.100.7";
    private static final String SPOOFED = "6.6.6.6";

    private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "192.0.2.10"));

    @Test
    void shouldIgnoreForwardedForFromAnUntrustedPeer() {
        // Given: a client that talks to us directly and writes its own X-Forwarded-For
        final String peer = "203.0.113.9";

        // When
        final String client = behindProxies.resolve(peer, SPOOFED);
        final String claimingAProxy = behindProxies.resolve(peer, "10.0.0.1");

        // Then: the socket's address counts, whatever the header says
        assertThat(client).isEqualTo(peer);
        assertThat(claimingAProxy).isEqualTo(peer);
    }

    @Test
    void shouldIgnoreForwardedForWhenNoProxyIsTrusted() {
        // Given
        final ClientAddress direct = new ClientAddress(List.of());

        // When
        final String client = direct.resolve(PROXY, CLIENT);

        // Then
        assertThat(client).isEqualTo(PROXY);
    }

    @Test
    void shouldTakeThePeerWhenATrustedProxySentNoForwardedFor() {
        assertThat(behindProxies.resolve(PROXY, null)).isEqualTo(PROXY);
    }

    @Test
    void shouldTakeTheRightmostUntrustedHopFromATrustedPeer() {
        // Given: the client wrote a made-up address; the trusted proxy appended the one it saw
        final String forwardedFor = SPOOFED + ", " + CLIENT;

        // When
        final String client = behindProxies.resolve(PROXY, forwardedFor);

        // Then
        assertThat(client).isEqualTo(CLIENT);
    }

    @Test
    void shouldSkipEveryTrustedProxyOfAChain() {
        // Given: client -> 192.0.2.10 (single address) -> 10.9.9.9 (CIDR) -> 10.1.2.3 (CIDR, our peer)
        final String forwardedFor = SPOOFED + ", " + CLIENT + ", 192.0.2.10, 10.9.9.9";

        // When
        final String client = behindProxies.resolve("10.1.2.3", forwardedFor);

        // Then
        assertThat(client).isEqualTo(CLIENT);
    }

    @Test
    void shouldTrustASingleAddressButNotItsNeighbours() {
        // Given: 192.0.2.10 is trusted on its own, 192.0.2.11 is not
        final String forwardedFor = CLIENT + ", 192.0.2.11";

        // When
        final String viaTrusted = behindProxies.resolve("192.0.2.10", forwardedFor);
        final String fromNeighbour = behindProxies.resolve("192.0.2.11", CLIENT);

        // Then
        assertThat(viaTrusted).isEqualTo("192.0.2.11");
        assertThat(fromNeighbour).isEqualTo("192.0.2.11");
    }

    @Test
    void shouldTakeTheLeftmostHopWhenEveryHopIsTrusted() {
        assertThat(behindProxies.resolve(PROXY, "10.0.0.5, 10.0.0.6")).isEqualTo("10.0.0.5");
    }

    @Test
    void shouldRespectThePrefixLengthOfACidrBlock() {
        // Given: 172.16.0.0/12 spans 172.16.0.0 - 172.31.255.255
        final ClientAddress addresses = new ClientAddress(List.of("172.16.0.0/12"));

        // When / Then
        assertThat(addresses.resolve("172.31.255.255", CLIENT)).isEqualTo(CLIENT);
        assertThat(addresses.resolve("172.16.0.1", CLIENT)).isEqualTo(CLIENT);
        assertThat(addresses.resolve("172.32.0.1", CLIENT)).isEqualTo("172.32.0.1");
        assertThat(addresses.resolve("172.15.255.255", CLIENT)).isEqualTo("172.15.255.255");
    }

    @Test
    void shouldReadIpv6ProxiesAndClients() {
        // Given
        final ClientAddress addresses = new ClientAddress(List.of("::1", "2001:db8::/32"));
        final String forwardedFor = "2001:db9::6, 2001:db9::7, 2001:db8:ffff::1";

        // When
        final String fromLoopback = addresses.resolve("0:0:0:0:0:0:0:1", forwardedFor);
        final String fromBracketedLoopback = addresses.resolve("[::1]", forwardedFor);
        final String fromOutsideTheBlock = addresses.resolve("2001:db9::1", forwardedFor);

        // Then: 2001:db8:ffff::1 lies in 2001:db8::/32 and is skipped; 2001:db9::7 does not
        assertThat(fromLoopback).isEqualTo("2001:db9::7");
        assertThat(fromBracketedLoopback).isEqualTo("2001:db9::7");
        assertThat(fromOutsideTheBlock).isEqualTo("2001:db9::1");
    }

    @Test
    void shouldNotMatchAnIpv4AddressAgainstAnIpv6BlockWithTheSameBits() {
        // Given: 32.1.13.184 is 0x20010db8, the first 32 bits of 2001:db8::/32
        final ClientAddress addresses = new ClientAddress(List.of("2001:db8::/32"));

        // When
        final String client = addresses.resolve("32.1.13.184", CLIENT);

        // Then
        assertThat(client).isEqualTo("32.1.13.184");
    }

    @Test
    void shouldStopAtAGarbageHopInsteadOfBelievingWhatIsLeftOfIt() {
        // When: the trusted proxy did not know its client; a trusted proxy further out did
        final String unknown = behindProxies.resolve(PROXY, CLIENT + ", unknown");
        final String unknownBeyondATrustedHop = behindProxies.resolve(PROXY, CLIENT + ", unknown, 10.0.0.9");

        // Then: the last address that trusted hops vouch for counts, never the entries left of the garbage
        assertThat(unknown).isEqualTo(PROXY);
        assertThat(unknownBeyondATrustedHop).isEqualTo("10.0.0.9");
    }

    @Test
    void shouldTreatHostNamesAsNotAnAddress() {
        // Given: localhost would resolve to a trusted address
        final ClientAddress addresses = new ClientAddress(List.of("127.0.0.0/8", "10.0.0.0/8"));

        // When
        final String client = addresses.resolve(PROXY, CLIENT + ", localhost");
        final String dotted = addresses.resolve(PROXY, CLIENT + ", abc.def");

        // Then: the names are neither resolved nor skipped as trusted proxies
        assertThat(client).isEqualTo(PROXY);
        assertThat(dotted).isEqualTo(PROXY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "abc.def", "proxy.internal", "localhost", "_hidden", "999.999.999.999",
            "256.1.1.1", "1.2.3.4.5", "1.2.3", ".:", ".1::", "fe80::1%eth0", "[abc.def]", "2001:db8::zz"})
    @SuppressWarnings({"deprecation", "removal"})
    void shouldNeverLookUpAGarbageHop(String garbage) {
        // a security manager can be installed at run time only up to Java 17
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() <= 17,
                "needs System.setSecurityManager");
        // Given: a security manager that records every name lookup the JDK is asked for
        final List<String> lookups = new ArrayList<>();
        final SecurityManager recorder = new SecurityManager() {
            @Override
            public void checkConnect(String host, int port) {
                if (port == -1) {
                    lookups.add(host);
                }
            }

            @Override
            public void checkPermission(Permission permission) {
            }

            @Override
            public void checkPermission(Permission permission, Object context) {
            }
        };

        // When
        final String client;
        System.setSecurityManager(recorder);
        try {
            client = behindProxies.resolve(PROXY, CLIENT + ", " + garbage);
        } finally {
            System.setSecurityManager(null);
        }

        // Then: the hop is not an address, and no resolver was asked
        assertThat(client).isEqualTo(PROXY);
        assertThat(lookups).isEmpty();
    }

    @Test
    void shouldTakeThePeerForAnEmptyOrBlankHeader() {
        assertThat(behindProxies.resolve(PROXY, "")).isEqualTo(PROXY);
        assertThat(behindProxies.resolve(PROXY, "   ")).isEqualTo(PROXY);
        assertThat(behindProxies.resolve(PROXY, CLIENT + ", ")).isEqualTo(PROXY);
        assertThat(behindProxies.resolve(PROXY, CLIENT + ",,10.0.0.9")).isEqualTo("10.0.0.9");
    }

    @Test
    void shouldTrimSpacesAroundHops() {
        // When
        final String client = behindProxies.resolve(PROXY, "  " + SPOOFED + " ,  " + CLIENT + "  ,10.0.0.3 ");

        // Then
        assertThat(client).isEqualTo(CLIENT);
    }

    @Test
    void shouldRejectABadProxyOrCidrBlockWithAClearMessage() {
        assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix length must be 0-32 in '10.0.0.0/33'");
        assertThatThrownBy(() -> new ClientAddress(List.of("2001:db8::/129")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix length must be 0-128 in '2001:db8::/129'");
        assertThatThrownBy(() -> new ClientAddress(List.of("proxy.internal")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an address or CIDR block: 'proxy.internal'");
        assertThatThrownBy(() -> new ClientAddress(List.of("300.0.0.0/8")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an address or CIDR block: '300.0.0.0/8'");
        assertThatThrownBy(() -> new ClientAddress(List.of("/8")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not an address or CIDR block: '/8'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/abc", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8",
            "10.0.0.0/99999999999"})
    void shouldRejectAPrefixThatIsNotALengthWithAClearMessage(String spec) {
        assertThatThrownBy(() -> new ClientAddress(List.of(spec)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix length must be 0-32 in '" + spec + "'");
    }

    @Test
    void shouldAcceptTheWidestAndNarrowestPrefixes() {
        // Given
        final ClientAddress everyone = new ClientAddress(List.of("0.0.0.0/0"));
        final ClientAddress one = new ClientAddress(List.of("10.0.0.2/32"));

        // When / Then
        assertThat(everyone.resolve("203.0.113.9", CLIENT + ", 10.0.0.1")).isEqualTo(CLIENT);
        assertThat(one.resolve(PROXY, CLIENT)).isEqualTo(CLIENT);
        assertThat(one.resolve("10.0.0.3", CLIENT)).isEqualTo("10.0.0.3");
    }
}

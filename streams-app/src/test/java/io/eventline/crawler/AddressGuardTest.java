package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressGuardTest {
    /** Names the tests resolve; everything else is unknown, so nothing here asks a real resolver. */
    private final HostResolver resolver = HostResolver.mapped(HostResolver.parseMappings(
            "h1.test=127.0.1.1,public.test=93.184.215.14,lan.test=10.1.2.3,lan.test=192.168.0.9,"
                    + "mixed.test=93.184.215.14,mixed.test=10.0.0.1,meta.test=169.254.169.254,"
                    + "v6meta.test=fd00:ec2::254,ula.test=fd12::1,nat64.test=64:ff9b::a01:203,"
                    + "public6.test=2606:2800:220:1::1"),
            host -> {
                throw new UnknownHostException(host);
            });

    private AddressGuard guard(String allow) {
        return new AddressGuard(AddressRange.parseList(allow), resolver);
    }

    @Test
    void shouldReturnTheResolvedAddressOfAPublicHost() throws Exception {
        // Given / When
        final Checked<InetAddress> checked = guard("").check("public.test");
        // Then: the address to connect to is the one checked
        assertThat(checked.value()).isEqualTo(InetAddress.getByName("93.184.215.14"));
        assertThat(guard("").check("public6.test").passed()).isTrue();
        assertThat(guard("").check("93.184.215.14").passed()).isTrue();
    }

    @Test
    void shouldRefusePrivateLoopbackLinkLocalAndOtherSpecialAddresses() {
        // Given: no allow list
        final AddressGuard guard = guard("");
        // When / Then
        for (String host : List.of("h1.test", "lan.test", "mixed.test", "meta.test", "v6meta.test", "ula.test",
                "nat64.test", "127.0.0.1", "0.0.0.0", "[::1]", "[::]", "[fe80::1]", "[ff02::1]", "224.0.0.1",
                "100.64.0.1", "255.255.255.255", "[::ffff:127.0.0.1]", "169.254.1.1", "172.31.255.255")) {
            assertThat(guard.check(host).reason()).as(host).isEqualTo(AddressGuard.BLOCKED_ADDRESS);
        }
        assertThat(guard.check("unknown.test").reason()).isEqualTo(AddressGuard.UNRESOLVED);
    }

    @Test
    void shouldLetTheAllowListThroughButMetadataOnlyByItsOwnAddress() throws Exception {
        // Given: loopback, one LAN address and all of link-local allowed
        final AddressGuard guard = guard("127.0.0.0/8, 10.1.2.3, 192.168.0.0/24, 169.254.0.0/16, fd00::/8");
        // When / Then
        assertThat(guard.check("h1.test").value()).isEqualTo(InetAddress.getByName("127.0.1.1"));
        assertThat(guard.check("lan.test").passed()).isTrue();
        assertThat(guard.check("ula.test").passed()).isTrue();
        assertThat(guard.check("169.254.1.1").passed()).isTrue();
        assertThat(guard.check("meta.test").reason()).isEqualTo(AddressGuard.BLOCKED_ADDRESS);
        assertThat(guard.check("v6meta.test").reason()).isEqualTo(AddressGuard.BLOCKED_ADDRESS);
        assertThat(guard.check("mixed.test").reason()).as("10.0.0.1 is not allowed")
                .isEqualTo(AddressGuard.BLOCKED_ADDRESS);
        assertThat(guard("169.254.169.254").check("meta.test").passed()).isTrue();
    }

    @Test
    void shouldParseCidrsOfBothFamiliesAndRefuseNames() throws Exception {
        // Given / When
        final AddressRange v4 = AddressRange.parse("10.20.0.0/14");
        final AddressRange v6 = AddressRange.parse("[2001:db8::]/33");
        // Then
        assertThat(v4.contains(InetAddress.getByName("10.23.255.1"))).isTrue();
        assertThat(v4.contains(InetAddress.getByName("10.24.0.1"))).isFalse();
        assertThat(v4.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(v6.contains(InetAddress.getByName("2001:db8:7fff::1"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("2001:db8:8000::1"))).isFalse();
        assertThat(AddressRange.parse("10.1.2.3").single()).isTrue();
        assertThat(AddressRange.parseList(" ")).isEmpty();
        assertThatThrownBy(() -> AddressRange.parse("example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("1.2.3.999")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostResolver.parseMappings("h1.test")).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LoopbackTargetsTest {

    @Test
    void shouldAcceptLoopbackHttpUrlsWithoutTrailingSlash() {
        assertThat(LoopbackTargets.httpBase("http://localhost:8080/")).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(LoopbackTargets.httpBase("http://127.0.0.1:18080")).isEqualTo(URI.create("http://127.0.0.1:18080"));
        assertThat(LoopbackTargets.httpBase("http://[::1]:8080")).isEqualTo(URI.create("http://[::1]:8080"));
    }

    @Test
    void shouldRefuseHostsOffThisMachine() {
        assertThatThrownBy(() -> LoopbackTargets.httpBase("http://192.0.2.10:8080"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not loopback");
        assertThatThrownBy(() -> LoopbackTargets.kafkaBootstrap("localhost:9092,10.0.0.1:9092"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not loopback");
    }

    @Test
    void shouldAcceptLoopbackButNoAddressOffThisMachineAsAHostOfThisMachine() {
        assertThat(LoopbackTargets.httpBaseOnThisMachine("http://localhost:8080/"))
                .isEqualTo(URI.create("http://localhost:8080"));
        // TEST-NET-1 is on no interface of this machine, virtual or not
        assertThat(LoopbackTargets.onVirtualLink("192.0.2.10")).isFalse();
        assertThatThrownBy(() -> LoopbackTargets.httpBaseOnThisMachine("http://192.0.2.10:8080"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not loopback");
    }

    @Test
    void shouldRefuseOtherSchemesAndMalformedTargets() {
        assertThatThrownBy(() -> LoopbackTargets.httpBase("https://localhost:8443"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http URL");
        assertThatThrownBy(() -> LoopbackTargets.httpBase("localhost:8080"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoopbackTargets.kafkaBootstrap("localhost"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
    }

    @Test
    void shouldAcceptALoopbackBootstrapList() {
        assertThat(LoopbackTargets.kafkaBootstrap("localhost:9092, 127.0.0.1:9093,[::1]:9094"))
                .containsExactly("localhost:9092", "127.0.0.1:9093", "[::1]:9094");
    }
}

package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.auth.Digests;
import io.eventline.ids.SnowflakeIdGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ChannelIdsTest {
    private static final String SECRET = "a-token-secret-that-is-long-enough-0123456789";
    private final ChannelIds ids = new ChannelIds(SECRET);

    @Test
    void shouldGiveADirectChannelTheSameIdWhoeverAsks() {
        assertThat(ids.direct("alice", "bob")).isEqualTo(ids.direct("bob", "alice"));
        assertThat(ids.direct("alice", "bob")).startsWith("d_").hasSize(24);
        assertThat(ChannelIds.isValid(ids.direct("alice", "bob"))).isTrue();
    }

    @Test
    void shouldGiveTheSamePairAnotherIdUnderAnotherSecret() {
        // Given two deployments with different token secrets
        final ChannelIds other = new ChannelIds("another-token-secret-that-is-long-enough-9876");

        // When each derives the channel of the same pair
        final String here = ids.direct("alice", "bob");
        final String there = other.direct("bob", "alice");

        // Then the IDs differ, and each is still a valid ID that both members agree on
        assertThat(there).isNotEqualTo(here);
        assertThat(ChannelIds.isValid(there)).isTrue();
        assertThat(other.direct("alice", "bob")).isEqualTo(there);
        assertThat(new ChannelIds(SECRET).direct("bob", "alice")).isEqualTo(here);
    }

    @Test
    void shouldNotBeTheUnkeyedHashOfThePairThatAnyoneCanCompute() {
        // Given the ID anyone could compute from the two user IDs alone
        final String unkeyed = "d_" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Digests.sha256("alice\u0000bob")).substring(0, 22);

        // Then the channel's ID is not it
        assertThat(ids.direct("alice", "bob")).isNotEqualTo(unkeyed);
    }

    @Test
    void shouldTellPairsApartEvenWhenTheirJoinedNamesAgree() {
        // without a separator "ab"+"c" and "a"+"bc" would be one channel
        assertThat(ids.direct("ab", "c")).isNotEqualTo(ids.direct("a", "bc"));
        assertThat(ids.direct("alice", "bob")).isNotEqualTo(ids.direct("alice", "carol"));
    }

    @Test
    void shouldNameGroupsBySnowflakeIdAndRefuseOtherIds() {
        final String group = ChannelIds.group(new SnowflakeIdGenerator(1, 1));

        assertThat(group).matches("g_[0-9]+");
        assertThat(ChannelIds.isValid(group)).isTrue();
        assertThat(ChannelIds.isValid("g_12a")).isFalse();
        assertThat(ChannelIds.isValid("d_short")).isFalse();
        assertThat(ChannelIds.isValid("x_1")).isFalse();
        assertThat(ChannelIds.isValid(null)).isFalse();
    }
}

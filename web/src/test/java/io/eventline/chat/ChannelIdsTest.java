package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.ids.SnowflakeIdGenerator;
import org.junit.jupiter.api.Test;

class ChannelIdsTest {
    @Test
    void shouldGiveADirectChannelTheSameIdWhoeverAsks() {
        assertThat(ChannelIds.direct("alice", "bob")).isEqualTo(ChannelIds.direct("bob", "alice"));
        assertThat(ChannelIds.direct("alice", "bob")).startsWith("d_").hasSize(24);
        assertThat(ChannelIds.isValid(ChannelIds.direct("alice", "bob"))).isTrue();
    }

    @Test
    void shouldTellPairsApartEvenWhenTheirJoinedNamesAgree() {
        // without a separator "ab"+"c" and "a"+"bc" would be one channel
        assertThat(ChannelIds.direct("ab", "c")).isNotEqualTo(ChannelIds.direct("a", "bc"));
        assertThat(ChannelIds.direct("alice", "bob")).isNotEqualTo(ChannelIds.direct("alice", "carol"));
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

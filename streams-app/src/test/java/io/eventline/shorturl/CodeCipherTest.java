package io.eventline.shorturl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodeCipherTest {
    private final CodeCipher cipher = new CodeCipher("secret-a");

    @Test
    void shouldMapDistinctIndexesToDistinctSevenCharacterCodes() {
        final Set<String> codes = new HashSet<>();
        for (long index = 0; index < 50_000; index++) {
            final String code = cipher.codeOf(index);
            assertThat(code).matches("[0-9a-zA-Z]{7}");
            codes.add(code);
        }
        assertThat(codes).hasSize(50_000);
    }

    @Test
    void shouldBeInvertibleAcrossTheWholeRange() {
        for (long index : new long[] {0, 1, 2, 61, 62, 1_000_000, Base62.SEVEN_CHAR_SPACE / 2,
                Base62.SEVEN_CHAR_SPACE - 1}) {
            final long permuted = cipher.permute(index);
            assertThat(permuted).isBetween(0L, Base62.SEVEN_CHAR_SPACE - 1);
            assertThat(cipher.unpermute(permuted)).isEqualTo(index);
        }
    }

    @Test
    void shouldNotRevealTheCounterThroughConsecutiveCodes() {
        final long first = cipher.permute(1000);
        final long next = cipher.permute(1001);

        assertThat(Math.abs(next - first)).isGreaterThan(1_000_000L);
        assertThat(new CodeCipher("secret-b").codeOf(1000)).isNotEqualTo(cipher.codeOf(1000));
    }

    @Test
    void shouldRefuseIndexesOutsideTheCodeSpace() {
        assertThatThrownBy(() -> cipher.permute(Base62.SEVEN_CHAR_SPACE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.permute(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldEncodeAndDecodeBase62() {
        assertThat(Base62.encode(0, 7)).isEqualTo("0000000");
        assertThat(Base62.encode(61, 2)).isEqualTo("0Z");
        assertThat(Base62.decode(Base62.encode(Base62.SEVEN_CHAR_SPACE - 1, 7))).isEqualTo(Base62.SEVEN_CHAR_SPACE - 1);
        assertThatThrownBy(() -> Base62.encode(Base62.SEVEN_CHAR_SPACE, 7)).isInstanceOf(IllegalArgumentException.class);
    }
}

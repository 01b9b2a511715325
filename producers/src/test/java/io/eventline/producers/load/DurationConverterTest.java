package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    @Test
    void shouldReadEachUnit() {
        assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void shouldIgnoreCaseAndSurroundingSpace() {
        assertThat(DurationConverter.parse(" 5S ")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldReadIsoDurations() {
        assertThat(DurationConverter.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationConverter.parse("pt0.5s")).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void shouldRejectBareNumbersUnknownUnitsAndNegatives() {
        for (String text : new String[] {"30", "30x", "-5s", "1.5s", "", "s", "PTxS"}) {
            assertThatThrownBy(() -> DurationConverter.parse(text))
                    .as(text)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("not a duration");
        }
    }

    @Test
    void shouldFormatWhatItParsesBack() {
        for (Duration d : new Duration[] {Duration.ofSeconds(30), Duration.ofMillis(1_500), Duration.ZERO}) {
            assertThat(DurationConverter.parse(DurationConverter.format(d))).isEqualTo(d);
        }
        assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("120s");
    }
}

package io.exoclone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
    private final DurationConverter c = new DurationConverter();

    @Test
    void shortFormsAndIso() {
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(c.convert("PT10S")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void badOrNonPositiveValuesAreConversionErrors() {
        assertThatThrownBy(() -> c.convert("5 parsecs"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'5 parsecs'");
        assertThatThrownBy(() -> c.convert("0s"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("positive");
    }
}

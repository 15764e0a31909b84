package io.exoclone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {
    @Test
    void parsesSuffixesAsPowersOf1024() {
        assertThat(Sizes.parse("0")).isZero();
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThat(Sizes.parse("4K")).isEqualTo(4096);
        assertThat(Sizes.parse("4k")).isEqualTo(4096);
        assertThat(Sizes.parse("64KiB")).isEqualTo(64 << 10);
        assertThat(Sizes.parse("3M")).isEqualTo(3L << 20);
        assertThat(Sizes.parse("4G")).isEqualTo(4L << 30);
        assertThat(Sizes.parse(" 2T ")).isEqualTo(2L << 40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "4Q", "-1", "1.5G", "4GB", "4 G B", "0x10", "99999999T"})
    void rejectsJunkNamingIt(String bad) {
        assertThatThrownBy(() -> Sizes.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + bad + "'");
    }

    @Test
    void formats() {
        assertThat(Sizes.exact(4L << 30)).isEqualTo("4G");
        assertThat(Sizes.exact(1536 << 10)).isEqualTo("1536K");
        assertThat(Sizes.exact(1000)).isEqualTo("1000");
        assertThat(Sizes.exact(0)).isEqualTo("0");
        assertThat(Sizes.parse(Sizes.exact(12288))).isEqualTo(12288);
        assertThat(Sizes.human(512)).isEqualTo("512 B");
        assertThat(Sizes.human(3L << 19)).isEqualTo("1.5 MiB");
        assertThat(Sizes.human(4L << 30)).isEqualTo("4.0 GiB");
    }
}

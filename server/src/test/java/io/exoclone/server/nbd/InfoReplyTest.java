package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InfoReplyTest {
    @Test
    void exportIsSizeAndFlagsIn12Bytes() {
        assertThat(Bytes.hex(InfoReply.export(64L << 20, 0x0d6d)))
                .isEqualTo("0000" + "0000000004000000" + "0d6d");
    }

    @Test
    void blockSizeIsMinimumPreferredMaximumIn14Bytes() {
        assertThat(Bytes.hex(InfoReply.blockSize(1, 4096, 32 << 20)))
                .isEqualTo("0003" + "00000001" + "00001000" + "02000000");
    }

    @Test
    void nameAndDescriptionAreStrings() {
        assertThat(Bytes.hex(InfoReply.name("vm1"))).isEqualTo("0001766d31");
        assertThat(Bytes.hex(InfoReply.description(""))).isEqualTo("0002");
    }
}

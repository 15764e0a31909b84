package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StructuredReplyTest {
    private static final String MAGIC = "668e33ef";
    private static final String COOKIE = "0000000000000007";

    @Test
    void noneIsAFinalEmptyChunk() {
        assertThat(Bytes.hex(StructuredReply.none(7)))
                .isEqualTo(MAGIC + "0001" + "0000" + COOKIE + "00000000");
    }

    @Test
    void offsetDataCountsTheOffsetInItsLength() {
        assertThat(Bytes.hex(StructuredReply.offsetData(7, 4096, 512, true)))
                .isEqualTo(MAGIC + "0001" + "0001" + COOKIE + "00000208" + "0000000000001000");
    }

    @Test
    void offsetHoleIsOffsetAndSize() {
        assertThat(Bytes.hex(StructuredReply.offsetHole(7, 0, 65536, false)))
                .isEqualTo(
                        MAGIC
                                + "0000"
                                + "0002"
                                + COOKIE
                                + "0000000c"
                                + "0000000000000000"
                                + "00010000");
    }

    @Test
    void blockStatusIsContextIdAndDescriptors() {
        assertThat(
                        Bytes.hex(
                                StructuredReply.blockStatus(
                                        7,
                                        1,
                                        List.of(
                                                new AllocationMap.Descriptor(4096, 0),
                                                new AllocationMap.Descriptor(8192, 3)),
                                        true)))
                .isEqualTo(
                        MAGIC
                                + "0001"
                                + "0005"
                                + COOKIE
                                + "00000014"
                                + "00000001"
                                + "00001000 00000000 00002000 00000003".replace(" ", ""));
    }

    @Test
    void errorIsFinalWithCodeAndMessage() {
        assertThat(Bytes.hex(StructuredReply.error(7, NbdError.EINVAL, "bad")))
                .isEqualTo(
                        MAGIC
                                + "0001"
                                + "8001"
                                + COOKIE
                                + "00000009"
                                + "00000016"
                                + "0003"
                                + "626164");
    }
}

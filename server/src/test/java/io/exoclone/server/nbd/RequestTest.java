package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RequestTest {
    @Test
    void decodesFlagsTypeCookieOffsetAndLength() {
        Request r =
                Request.decode(
                        ByteBuffer.wrap(
                                Bytes.of(
                                        "25609513 0001 0001 0102030405060708 0000000000001000"
                                                + " ffffffff")));
        assertThat(r.fua()).isTrue();
        assertThat(r.type()).isEqualTo(Request.WRITE);
        assertThat(r.cookie()).isEqualTo(0x0102030405060708L);
        assertThat(r.offset()).isEqualTo(4096);
        assertThat(r.length()).isEqualTo(0xffffffffL); // unsigned
    }

    @Test
    void anOffsetPast2To63StaysNegativeSoItIsPastAnyEnd() {
        Request r =
                Request.decode(
                        ByteBuffer.wrap(
                                Bytes.of(
                                        "25609513 0000 0000 0000000000000001 8000000000000000"
                                                + " 00000001")));
        assertThat(r.offset()).isNegative();
    }

    @Test
    void aBadMagicMeansTheStreamIsOutOfStep() {
        assertThatThrownBy(() -> Request.decode(ByteBuffer.wrap(new byte[28])))
                .isInstanceOf(NbdProtocolException.class)
                .hasMessageContaining("0x00000000");
    }

    @Test
    void commandsAreNamedAsInTheProtocol() {
        assertThat(Request.name(Request.BLOCK_STATUS)).isEqualTo("NBD_CMD_BLOCK_STATUS");
        assertThat(Request.name(99)).isEqualTo("command 99");
    }
}

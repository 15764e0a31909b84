package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import org.junit.jupiter.api.Test;

class OptionRequestTest {
    @Test
    void readsMagicOptionLengthAndData() throws Exception {
        byte[] frame = Bytes.of("49484156454f5054 00000007 00000003 616263");
        OptionRequest o = OptionRequest.read(new Wire(new BytesChannel(frame)));
        assertThat(o.option()).isEqualTo(OptionRequest.GO);
        assertThat(new String(o.data(), "UTF-8")).isEqualTo("abc");
    }

    @Test
    void endOfStreamBetweenOptionsIsNullAndInsideOneIsAnError() throws Exception {
        assertThat(OptionRequest.read(new Wire(new BytesChannel(new byte[0])))).isNull();
        assertThatThrownBy(
                        () ->
                                OptionRequest.read(
                                        new Wire(new BytesChannel(Bytes.of("4948415645")))))
                .isInstanceOf(EOFException.class);
        byte[] cut = Bytes.of("49484156454f5054 00000001 00000010 6162");
        assertThatThrownBy(() -> OptionRequest.read(new Wire(new BytesChannel(cut))))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void badMagicAndHugeDataEndTheConnection() {
        byte[] badMagic = Bytes.of("4e42444d41474943 00000007 00000000");
        assertThatThrownBy(() -> OptionRequest.read(new Wire(new BytesChannel(badMagic))))
                .isInstanceOf(NbdProtocolException.class)
                .hasMessageContaining("0x4e42444d41474943");
        byte[] huge = Bytes.of("49484156454f5054 00000007 ffffffff");
        assertThatThrownBy(() -> OptionRequest.read(new Wire(new BytesChannel(huge))))
                .isInstanceOf(NbdProtocolException.class)
                .hasMessageContaining("4294967295 bytes");
    }

    @Test
    void optionsAreNamedAsInTheProtocol() {
        assertThat(OptionRequest.name(10)).isEqualTo("NBD_OPT_SET_META_CONTEXT");
        assertThat(OptionRequest.name(-1)).isEqualTo("option 4294967295");
    }
}

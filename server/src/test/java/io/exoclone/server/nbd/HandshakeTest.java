package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HandshakeTest {
    @Test
    void greetingIsNbdmagicIhaveoptAndFixedNewstyleWithNoZeroes() {
        assertThat(Bytes.hex(Handshake.greeting()))
                .isEqualTo("4e42444d41474943" + "49484156454f5054" + "0003");
    }

    @Test
    void clientFlagsSayWhetherToPadTheExportNameReply() {
        assertThat(Handshake.noZeroes(1)).isFalse();
        assertThat(Handshake.noZeroes(3)).isTrue();
    }

    @Test
    void nonFixedAndUnknownFlagsAreRefused() {
        assertThatThrownBy(() -> Handshake.noZeroes(0))
                .isInstanceOf(NbdProtocolException.class)
                .hasMessageContaining("FIXED_NEWSTYLE");
        assertThatThrownBy(() -> Handshake.noZeroes(2)).isInstanceOf(NbdProtocolException.class);
        assertThatThrownBy(() -> Handshake.noZeroes(5))
                .isInstanceOf(NbdProtocolException.class)
                .hasMessageContaining("0x00000004");
    }
}

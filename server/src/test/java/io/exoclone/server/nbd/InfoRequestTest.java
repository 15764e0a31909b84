package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InfoRequestTest {
    private static OptionRequest go(String hex) {
        return new OptionRequest(OptionRequest.GO, Bytes.of(hex));
    }

    @Test
    void parsesNameAndRequestedItems() {
        InfoRequest r = InfoRequest.parse(go("00000003 766d31 0002 0003 0001"));
        assertThat(r.exportName()).isEqualTo("vm1");
        assertThat(r.items()).containsExactly(3, 1);
        assertThat(r.wants(InfoReply.NAME)).isTrue();
        assertThat(r.wants(InfoReply.DESCRIPTION)).isFalse();
        assertThat(InfoRequest.parse(go("00000000 0000")).exportName()).isEmpty();
    }

    @Test
    void malformedDataIsErrInvalid() {
        for (String bad :
                new String[] {
                    "",
                    "000000",
                    "00000005 766d31 0000",
                    "00000003 766d31",
                    "00000003 766d31 0001",
                    "00000001 61 0000 ff",
                    "00000001 ff 0000",
                    "00000001 00 0000",
                    "ffffffff 0000"
                }) {
            assertThatThrownBy(() -> InfoRequest.parse(go(bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            OptionException.class,
                            e -> assertThat(e.replyType()).isEqualTo(OptionReply.ERR_INVALID))
                    .hasMessageStartingWith("NBD_OPT_GO: ");
        }
    }
}

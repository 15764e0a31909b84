package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimpleReplyTest {
    @Test
    void headerIsMagicErrorCookie() {
        assertThat(Bytes.hex(SimpleReply.header(NbdError.EPERM.code(), 0xabcdL)))
                .isEqualTo("67446698" + "00000001" + "000000000000abcd");
    }

    @Test
    void errorValuesAreTheProtocols() {
        assertThat(NbdError.EIO.code()).isEqualTo(5);
        assertThat(NbdError.EINVAL.code()).isEqualTo(22);
        assertThat(NbdError.ENOSPC.code()).isEqualTo(28);
        assertThat(NbdError.EOVERFLOW.code()).isEqualTo(75);
        assertThat(NbdError.ESHUTDOWN.code()).isEqualTo(108);
    }
}

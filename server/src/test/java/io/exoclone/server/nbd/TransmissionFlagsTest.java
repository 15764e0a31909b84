package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransmissionFlagsTest {
    @Test
    void volumesTakeEveryWriteCommandAndSnapshotsAreReadOnly() {
        // HAS_FLAGS, SEND_FLUSH, SEND_FUA, SEND_TRIM, SEND_WRITE_ZEROES, CAN_MULTI_CONN, FAST_ZERO
        assertThat(TransmissionFlags.of(false, false)).isEqualTo(0x096d);
        // + SEND_DF once structured replies are on
        assertThat(TransmissionFlags.of(false, true)).isEqualTo(0x09ed);
        // HAS_FLAGS, READ_ONLY, SEND_FLUSH, SEND_FUA, CAN_MULTI_CONN
        assertThat(TransmissionFlags.of(true, false)).isEqualTo(0x010f);
    }
}

package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class WireTest {
    @Test
    void messagesAndPayloadsAreReassembledFromSmallReads() throws Exception {
        byte[] in = new byte[1000];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) i;
        }
        Wire w = new Wire(new BytesChannel(in, 7));
        assertThat(w.readMessage(4).getInt()).isEqualTo(0x00010203);
        byte[] payload = new byte[600];
        w.readFully(payload, 0, payload.length);
        assertThat(payload[0]).isEqualTo((byte) 4);
        assertThat(payload[599]).isEqualTo((byte) 603);
        w.skip(300);
        assertThat(w.readMessage(96).get(95)).isEqualTo((byte) 999);
        assertThat(w.readMessage(1)).isNull();
    }

    @Test
    void aStreamEndingInsideAMessageIsAnError() {
        Wire w = new Wire(new BytesChannel(new byte[10], 3));
        assertThatThrownBy(() -> w.readMessage(28))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("10 of 28");
        Wire p = new Wire(new BytesChannel(new byte[10]));
        assertThatThrownBy(() -> p.readFully(new byte[20], 0, 20))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("10 of 20");
    }

    @Test
    void largeWritesGoThroughInSlices() throws Exception {
        BytesChannel ch = new BytesChannel(new byte[0], 100_000);
        Wire w = new Wire(ch);
        byte[] big = new byte[3 * Wire.SLICE + 5];
        big[big.length - 1] = 9;
        w.write(ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.wrap(big));
        byte[] out = ch.written.toByteArray();
        assertThat(out).hasSize(big.length + 2);
        assertThat(out[0]).isEqualTo((byte) 1);
        assertThat(out[out.length - 1]).isEqualTo((byte) 9);
    }

    @Test
    void queuedRepliesGoOutTogetherBeforeTheNextReadFromTheSocket() throws Exception {
        byte[] in = new byte[64];
        in[0] = 1;
        in[32] = 2;
        BytesChannel ch = new BytesChannel(in, 32); // one "request" of 32 bytes per socket read
        Wire w = new Wire(ch);
        assertThat(w.readMessage(16).get(0)).isEqualTo((byte) 1); // reads 32 bytes
        w.queue(ByteBuffer.wrap(new byte[] {10}));
        assertThat(w.readMessage(16).get(0)).isEqualTo((byte) 0); // from the buffer: no flush
        w.queue(ByteBuffer.wrap(new byte[] {11}), ByteBuffer.wrap(new byte[] {12}));
        assertThat(ch.written.size()).isZero();
        assertThat(w.readMessage(16).get(0)).isEqualTo((byte) 2); // needs the socket: flush first
        assertThat(ch.written.toByteArray()).containsExactly(10, 11, 12);
        assertThat(ch.writeCalls).isEqualTo(1);
    }

    @Test
    void anotherThreadsMessageAndAnOversizedOneFollowWhatIsQueued() throws Exception {
        BytesChannel ch = new BytesChannel(new byte[0]);
        Wire w = new Wire(ch);
        w.queue(ByteBuffer.wrap(new byte[] {1}));
        w.write(ByteBuffer.wrap(new byte[] {2})); // a deferred reply from the commit thread
        w.queue(ByteBuffer.wrap(new byte[] {3}));
        byte[] big = new byte[Wire.QUEUE_BYTES + 1];
        big[0] = 4;
        w.queue(ByteBuffer.wrap(big));
        byte[] out = ch.written.toByteArray();
        assertThat(out).hasSize(3 + big.length);
        assertThat(new byte[] {out[0], out[1], out[2], out[3]}).containsExactly(1, 2, 3, 4);
        w.queue(ByteBuffer.wrap(new byte[] {5}));
        w.flush();
        assertThat(ch.written.toByteArray()[out.length]).isEqualTo((byte) 5);
    }
}

package io.exoclone.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Control frames and their payloads, byte for byte, over a real Unix domain socket pair. */
class FrameChannelTest {
    @TempDir Path tmp;
    private SocketChannel a;
    private SocketChannel b;

    @BeforeEach
    void pair() throws IOException {
        java.nio.file.Files.deleteIfExists(tmp.resolve("s"));
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(tmp.resolve("s")));
            a = SocketChannel.open(StandardProtocolFamily.UNIX);
            a.connect(s.getLocalAddress());
            b = s.accept();
        }
    }

    @AfterEach
    void close() throws IOException {
        a.close();
        b.close();
    }

    private byte[] readRaw(int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            assertThat(b.read(buf)).isNotNegative();
        }
        return buf.array();
    }

    @Test
    void aFrameIsTypeLengthPayload() throws IOException {
        new FrameChannel(a)
                .write(
                        Frame.of(
                                Frame.RUN,
                                Payload.writer()
                                        .putStrings(List.of("rm", "vé"))
                                        .putString("/w")
                                        .putBoolean(true)));
        byte[] raw = readRaw(5 + 4 + 4 + 2 + 4 + 3 + 4 + 2 + 1);
        String expected =
                "02"
                        + "00000018" // RUN, 24 bytes of payload
                        + "00000002" // a list of two strings
                        + "00000002"
                        + "726d" // "rm"
                        + "00000003"
                        + "76c3a9" // "vé" in UTF-8
                        + "00000002"
                        + "2f77" // "/w"
                        + "01"; // true
        assertThat(HexFormat.of().formatHex(raw)).isEqualTo(expected);
    }

    @Test
    void payloadsReadBackAsWritten() throws IOException {
        FrameChannel out = new FrameChannel(a);
        FrameChannel in = new FrameChannel(b);
        out.write(
                Frame.of(
                        Frame.FEED_START,
                        Payload.writer()
                                .putString("127.0.0.1:9092")
                                .putInt(-7)
                                .putLong(1L << 40)
                                .putMap(Map.of("acks", "all"))));
        out.write(Frame.INTERRUPT);
        Frame f = in.read();
        assertThat(f.type()).isEqualTo(Frame.FEED_START);
        Payload.Reader r = f.reader();
        assertThat(r.getString()).isEqualTo("127.0.0.1:9092");
        assertThat(r.getInt()).isEqualTo(-7);
        assertThat(r.getLong()).isEqualTo(1L << 40);
        assertThat(r.getMap()).isEqualTo(Map.of("acks", "all"));
        assertThatThrownBy(r::getInt).as("nothing more").isInstanceOf(EOFException.class);
        Frame empty = in.read();
        assertThat(empty.type()).isEqualTo(Frame.INTERRUPT);
        assertThat(empty.payload()).isEmpty();
    }

    @Test
    void aCleanEndIsNullAndAnEndInsideAFrameIsAnError() throws IOException {
        FrameChannel in = new FrameChannel(b);
        a.write(ByteBuffer.wrap(new byte[] {Frame.STDOUT, 0, 0, 0, 3, 'a'}));
        a.close();
        assertThatThrownBy(in::read)
                .isInstanceOf(EOFException.class)
                .hasMessage("The control connection closed in the middle of a frame");
        b.close();
        pair();
        a.close();
        assertThat(new FrameChannel(b).read()).isNull();
    }

    @Test
    void anOversizedFrameIsRefusedBeforeItsPayloadIsRead() throws IOException {
        a.write(ByteBuffer.wrap(new byte[] {Frame.STDIN, 0x7f, 0, 0, 0}));
        assertThatThrownBy(() -> new FrameChannel(b).read())
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Control frame of type 3 announces 2130706432 bytes, more than the"
                                + " 16777216 allowed");
    }

    @Test
    void aLyingStringLengthIsAnErrorNotAnAllocation() {
        byte[] bad = Payload.writer().putInt(Integer.MAX_VALUE).toByteArray();
        assertThatThrownBy(() -> new Payload.Reader(bad).getString())
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("Bad string length 2147483647");
    }
}

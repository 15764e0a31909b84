package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The decompressed bytes of one stored LZ4 frame, which must number exactly the range's length,
 * with nothing after the frame inside its stored length. Decoder failures become {@link
 * CorruptDataException}s at the frame's file offset.
 */
final class FrameStream extends InputStream {
    private final InputStream frame;
    private final ChannelStream stored;
    private final long expected;
    private final String file;
    private final long at;
    private long left;

    FrameStream(InputStream frame, ChannelStream stored, long expected, String file, long at) {
        this.frame = frame;
        this.stored = stored;
        this.expected = expected;
        this.file = file;
        this.at = at;
        this.left = expected;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (left == 0) {
            if (decoded(new byte[1], 0, 1) >= 0) {
                throw corrupt("an LZ4 frame of " + expected + " bytes, it holds more");
            }
            if (stored.remaining() > 0) {
                throw corrupt(
                        "an LZ4 frame filling the stored length, "
                                + stored.remaining()
                                + " bytes follow it");
            }
            return -1;
        }
        int n = decoded(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw corrupt("an LZ4 frame of " + expected + " bytes, it holds " + (expected - left));
        }
        left -= n;
        return n;
    }

    private int decoded(byte[] b, int off, int len) {
        try {
            return frame.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            throw corrupt("a valid LZ4 frame: " + e.getMessage());
        }
    }

    private CorruptDataException corrupt(String what) {
        return new CorruptDataException(file, at, what);
    }
}

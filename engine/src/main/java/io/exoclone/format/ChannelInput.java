package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sequential reads of one section of a file, never past its end: bytes, byte arrays of bounded
 * length, and Avro's zig-zag variable-length longs.
 */
final class ChannelInput {
    private final FileChannel ch;
    private final String file;
    private final long end;
    private final ByteBuffer buf = ByteBuffer.allocate(8192);
    private long bufStart;
    private long pos;

    ChannelInput(FileChannel ch, String file, long start, long end) {
        this.ch = ch;
        this.file = file;
        this.pos = start;
        this.end = end;
        this.bufStart = start;
        buf.limit(0);
    }

    long position() {
        return pos;
    }

    long remaining() {
        return end - pos;
    }

    int readByte() throws IOException {
        requireRemaining(1);
        long inBuf = pos - bufStart;
        if (inBuf < 0 || inBuf >= buf.limit()) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            Io.readFully(ch, pos, buf);
            buf.flip();
            bufStart = pos;
            inBuf = 0;
        }
        pos++;
        return buf.get((int) inBuf) & 0xff;
    }

    /** The next {@code n} bytes; {@code n} is checked against the section before allocating. */
    byte[] readBytes(long n) throws IOException {
        if (n < 0) {
            throw new CorruptDataException(file, pos, "a non-negative length, got " + n);
        }
        requireRemaining(n);
        byte[] out = new byte[(int) n];
        int copied = 0;
        long inBuf = pos - bufStart;
        if (inBuf >= 0 && inBuf < buf.limit()) {
            copied = (int) Math.min(n, buf.limit() - inBuf);
            buf.get((int) inBuf, out, 0, copied);
        }
        if (copied < n) {
            Io.readFully(ch, pos + copied, ByteBuffer.wrap(out, copied, (int) n - copied));
        }
        pos += n;
        return out;
    }

    /** An Avro {@code long}: zig-zag encoded, 7 bits a byte, at most 10 bytes. */
    long readLong() throws IOException {
        long start = pos;
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new CorruptDataException(file, start, "an Avro varint of at most 10 bytes");
    }

    private void requireRemaining(long n) {
        if (n > end - pos) {
            throw new CorruptDataException(
                    file,
                    pos,
                    n
                            + " more bytes before the end of the section at offset "
                            + end
                            + " (only "
                            + (end - pos)
                            + " left)");
        }
    }
}

package io.exoclone.format;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** An input stream over {@code [start, start + length)} of a file, read with positional reads. */
final class ChannelStream extends InputStream {
    private final FileChannel ch;
    private long pos;
    private long left;

    ChannelStream(FileChannel ch, long start, long length) {
        this.ch = ch;
        this.pos = start;
        this.left = length;
    }

    long remaining() {
        return left;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (left == 0) {
            return -1;
        }
        int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), pos);
        if (n < 0) {
            throw new EOFException("File ends at " + pos);
        }
        pos += n;
        left -= n;
        return n;
    }

    @Override
    public long skip(long n) {
        long s = Math.max(0, Math.min(n, left));
        pos += s;
        left -= s;
        return s;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, left);
    }
}

package io.exoclone.format;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Positional reads of small, already bounded lengths. */
final class Io {
    private Io() {}

    /** Exactly {@code length} bytes at {@code position}, little-endian, in a heap buffer. */
    static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, position, b);
        return b.clear();
    }

    static void readFully(FileChannel ch, long position, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, position);
            if (n < 0) {
                throw new EOFException("File ends at " + position);
            }
            position += n;
        }
    }
}

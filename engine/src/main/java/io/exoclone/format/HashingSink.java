package io.exoclone.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * Buffered output that knows its position and keeps the file's SHA-256 and the current section's
 * CRC32C up to date with every byte written.
 */
final class HashingSink {
    private final WritableByteChannel out;
    private final ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
    private final MessageDigest sha = Hashes.sha256();
    private final CRC32C crc = new CRC32C();
    private long position;

    HashingSink(WritableByteChannel out) {
        this.out = out;
    }

    long position() {
        return position;
    }

    /** Starts the CRC32C of a new section. */
    void startSection() {
        crc.reset();
    }

    int sectionCrc() {
        return (int) crc.getValue();
    }

    /** The SHA-256 of everything written so far; call once, at the end of the digested bytes. */
    byte[] digest() {
        return sha.digest();
    }

    void write(byte[] b, int off, int len) throws IOException {
        sha.update(b, off, len);
        crc.update(b, off, len);
        position += len;
        while (len > 0) {
            if (!buf.hasRemaining()) {
                drain();
            }
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /**
     * Counts bytes an earlier writer already wrote to the target (a resumed file): they enter the
     * digest, the section CRC and the position, but are not written again.
     */
    void absorb(byte[] b, int off, int len) {
        sha.update(b, off, len);
        crc.update(b, off, len);
        position += len;
    }

    /** Writes the remaining bytes of {@code src}, consuming them. */
    void write(ByteBuffer src) throws IOException {
        int len = src.remaining();
        sha.update(src.duplicate());
        crc.update(src.duplicate());
        position += len;
        if (len <= buf.remaining()) {
            buf.put(src);
            return;
        }
        drain();
        while (src.hasRemaining()) {
            out.write(src);
        }
    }

    void flush() throws IOException {
        drain();
    }

    private void drain() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
    }

    /** A stream view for the LZ4 and Avro writers; closing it does nothing. */
    OutputStream stream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                HashingSink.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                HashingSink.this.write(b, off, len);
            }
        };
    }
}

package io.exoclone.server.nbd;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * A channel over fixed input bytes that hands out at most {@code chunk} bytes per read (as a socket
 * may), and collects what is written.
 */
final class BytesChannel implements ByteChannel {
    private final ByteBuffer in;
    private final int chunk;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();

    /** Calls of {@link #write} (a socket's system calls). */
    int writeCalls;

    private boolean open = true;

    BytesChannel(byte[] input) {
        this(input, Integer.MAX_VALUE);
    }

    BytesChannel(byte[] input, int chunk) {
        this.in = ByteBuffer.wrap(input);
        this.chunk = chunk;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (!in.hasRemaining()) {
            return -1;
        }
        int n = Math.min(Math.min(chunk, dst.remaining()), in.remaining());
        ByteBuffer slice = in.slice(in.position(), n);
        dst.put(slice);
        in.position(in.position() + n);
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        writeCalls++;
        int n = Math.min(src.remaining(), chunk);
        byte[] b = new byte[n];
        src.get(b);
        written.write(b, 0, n);
        return n;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}

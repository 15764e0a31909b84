package io.exoclone.server.control;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Frames over a connected Unix domain socket. One thread reads; any thread writes (a write sends a
 * whole frame, so frames of several writers never interleave). Reads and writes do not wait for
 * each other.
 */
final class FrameChannel implements Closeable {
    private final SocketChannel channel;
    private final ByteBuffer readHeader = ByteBuffer.allocate(5);
    private final ByteBuffer writeHeader = ByteBuffer.allocate(5);

    FrameChannel(SocketChannel channel) {
        this.channel = channel;
    }

    SocketChannel channel() {
        return channel;
    }

    /** The next frame, or null when the other side closed the connection between two frames. */
    Frame read() throws IOException {
        readHeader.clear();
        if (!fill(readHeader, true)) {
            return null;
        }
        readHeader.flip();
        byte type = readHeader.get();
        int length = readHeader.getInt();
        if (length < 0 || length > Frame.MAX_PAYLOAD) {
            throw new IOException(
                    "Control frame of type "
                            + type
                            + " announces "
                            + length
                            + " bytes, more than the "
                            + Frame.MAX_PAYLOAD
                            + " allowed");
        }
        byte[] payload = new byte[length];
        fill(ByteBuffer.wrap(payload), false);
        return new Frame(type, payload);
    }

    /** Reads until {@code b} is full; false at a clean end of stream before the first byte. */
    private boolean fill(ByteBuffer b, boolean endAllowed) throws IOException {
        boolean first = true;
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                if (first && endAllowed && b.position() == 0) {
                    return false;
                }
                throw new EOFException("The control connection closed in the middle of a frame");
            }
            first = false;
        }
        return true;
    }

    void write(Frame f) throws IOException {
        write(f.type(), f.payload(), 0, f.payload().length);
    }

    void write(byte type, byte[] b, int off, int len) throws IOException {
        if (len > Frame.MAX_PAYLOAD) {
            throw new IllegalArgumentException("Frame payload of " + len + " bytes is too large");
        }
        ByteBuffer body = ByteBuffer.wrap(b, off, len);
        synchronized (writeHeader) {
            writeHeader.clear();
            writeHeader.put(type).putInt(len).flip();
            ByteBuffer[] both = {writeHeader, body};
            while (writeHeader.hasRemaining() || body.hasRemaining()) {
                channel.write(both);
            }
        }
    }

    void write(byte type) throws IOException {
        write(type, new byte[0], 0, 0);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}

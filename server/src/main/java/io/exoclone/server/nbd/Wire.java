package io.exoclone.server.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;

/**
 * The byte stream of one connection: buffered reads by one thread (the connection's), and whole
 * messages written atomically by any thread (replies to flushes come from the commit thread).
 *
 * <p>The connection's thread {@linkplain #queue queues} its replies: they go out together in one
 * system call before the thread next reads from the socket (or when the buffer is full), so the
 * replies to the requests that one read brought in cost one write, not one each. A message written
 * by another thread with {@link #write} first sends what is queued.
 *
 * <p>Large heap buffers go through the channel in slices of {@value #SLICE} bytes: the JDK copies a
 * heap buffer into a temporary direct buffer of the same size and caches one per thread, so a 32
 * MiB read reply written whole would pin 32 MiB of native memory in every connection thread.
 */
final class Wire {
    static final int SLICE = 256 * 1024;

    /** Bytes of replies queued before they are sent. */
    static final int QUEUE_BYTES = 64 * 1024;

    private final ByteChannel channel;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    private final Object writeLock = new Object();
    private final ByteBuffer out = ByteBuffer.allocateDirect(QUEUE_BYTES); // guarded by writeLock

    Wire(ByteChannel channel) {
        this.channel = channel;
        in.flip(); // empty
    }

    /**
     * Reads exactly {@code n} bytes (at most the read buffer's size) and returns them in a buffer
     * valid until the next read. Returns null when the peer closed the stream before the first byte
     * (a clean end between messages); throws {@link EOFException} when it closed in the middle.
     */
    ByteBuffer readMessage(int n) throws IOException {
        if (n > in.capacity()) {
            throw new IllegalArgumentException("Message of " + n + " bytes exceeds the buffer");
        }
        if (in.remaining() < n) {
            flush(); // the read may block: the client must have every reply before
            in.compact();
            try {
                while (in.position() < n) {
                    if (channel.read(in) < 0) {
                        if (in.position() == 0) {
                            return null;
                        }
                        throw new EOFException(
                                "Connection closed after "
                                        + in.position()
                                        + " of "
                                        + n
                                        + " bytes of a message");
                    }
                }
            } finally {
                in.flip();
            }
        }
        ByteBuffer msg = in.slice(in.position(), n);
        in.position(in.position() + n);
        return msg;
    }

    /** Like {@link #readMessage} but the end of the stream is always an {@link EOFException}. */
    ByteBuffer readFully(int n) throws IOException {
        ByteBuffer b = readMessage(n);
        if (b == null) {
            throw new EOFException("Connection closed where " + n + " more bytes were due");
        }
        return b;
    }

    /** Reads exactly {@code length} bytes into {@code dst} at {@code offset}. */
    void readFully(byte[] dst, int offset, int length) throws IOException {
        int done = Math.min(length, in.remaining());
        in.get(dst, offset, done);
        if (done < length) {
            flush();
        }
        while (done < length) {
            ByteBuffer target = ByteBuffer.wrap(dst, offset + done, Math.min(SLICE, length - done));
            int n = channel.read(target);
            if (n < 0) {
                throw new EOFException(
                        "Connection closed after " + done + " of " + length + " payload bytes");
            }
            done += n;
        }
    }

    /** Reads and drops {@code length} bytes (the payload of a request that is refused). */
    void skip(long length) throws IOException {
        long left = length;
        int buffered = (int) Math.min(left, in.remaining());
        in.position(in.position() + buffered);
        left -= buffered;
        if (left > 0) {
            flush();
        }
        ByteBuffer scratch = ByteBuffer.allocate((int) Math.min(SLICE, Math.max(1, left)));
        while (left > 0) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), left));
            int n = channel.read(scratch);
            if (n < 0) {
                throw new EOFException("Connection closed with " + left + " bytes left to skip");
            }
            left -= n;
        }
    }

    /**
     * Writes the buffers as one message: no other thread's message comes in between. A small
     * message (a reply header and a 4 KiB block) goes out in one system call.
     */
    void write(ByteBuffer... parts) throws IOException {
        synchronized (writeLock) {
            sendQueued();
            writeNow(parts);
        }
    }

    /**
     * Queues the buffers as one message, to be sent with the next {@link #flush} (which the next
     * read from the socket does first). Only the connection's thread queues.
     */
    void queue(ByteBuffer... parts) throws IOException {
        synchronized (writeLock) {
            long total = 0;
            for (ByteBuffer p : parts) {
                total += p.remaining();
            }
            if (total > out.remaining()) {
                sendQueued();
            }
            if (total > out.capacity()) {
                writeNow(parts);
                return;
            }
            for (ByteBuffer p : parts) {
                out.put(p.duplicate());
            }
        }
    }

    /** Sends every queued message. */
    void flush() throws IOException {
        synchronized (writeLock) {
            sendQueued();
        }
    }

    private void sendQueued() throws IOException {
        if (out.position() == 0) {
            return;
        }
        out.flip();
        try {
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } finally {
            out.clear();
        }
    }

    private void writeNow(ByteBuffer... parts) throws IOException {
        long total = 0;
        for (ByteBuffer p : parts) {
            total += p.remaining();
        }
        if (channel instanceof GatheringByteChannel g && total <= SLICE) {
            while (total > 0) {
                total -= g.write(parts);
            }
            return;
        }
        for (ByteBuffer p : parts) {
            writeAll(p);
        }
    }

    private void writeAll(ByteBuffer b) throws IOException {
        if (b.isDirect() || b.remaining() <= SLICE) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
            return;
        }
        int end = b.limit();
        while (b.position() < end) {
            b.limit(Math.min(end, b.position() + SLICE));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
        b.limit(end);
    }
}

package io.exoclone.engine;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable big-endian buffer that writes what {@link java.io.DataOutputStream} writes, without
 * its per-value stream calls: the metadata log encodes a commit's record with it (the catalog part
 * under the pool's monitor, where every microsecond is a writer waiting, the counts after it).
 */
final class RecordOut {
    private ByteBuffer buf;

    RecordOut(int capacity) {
        buf = ByteBuffer.allocate(Math.max(64, capacity));
    }

    private ByteBuffer room(int n) {
        if (buf.remaining() < n) {
            ByteBuffer bigger =
                    ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        return buf;
    }

    void writeLong(long v) {
        room(8).putLong(v);
    }

    void writeInt(int v) {
        room(4).putInt(v);
    }

    void writeBoolean(boolean v) {
        room(1).put((byte) (v ? 1 : 0));
    }

    void write(byte[] b) {
        room(b.length).put(b);
    }

    /** Modified UTF-8 with a two-byte length, as {@link DataOutputStream#writeUTF}. */
    void writeUTF(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length() + 2);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(bytes.toByteArray());
    }

    /** Empties the buffer, keeping its capacity. */
    void reset() {
        buf.clear();
    }

    int capacity() {
        return buf.capacity();
    }

    /** Makes room for {@code n} more bytes at once, so that a known size is one allocation. */
    void ensure(int n) {
        room(n);
    }

    /** Writes a placeholder int and returns where it is, for {@link #putIntAt}. */
    int reserveInt() {
        int at = buf.position();
        writeInt(0);
        return at;
    }

    /** Overwrites the int at {@code at} (big-endian, as {@link #writeInt}). */
    void putIntAt(int at, int v) {
        buf.putInt(at, v);
    }

    /**
     * The bytes written so far, without a copy: a little-endian view of this buffer's array from 0
     * to the current size. Valid until the next write or {@link #reset}.
     */
    ByteBuffer view() {
        return ByteBuffer.wrap(buf.array(), 0, buf.position()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The bytes written so far. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf.array(), buf.position());
    }
}

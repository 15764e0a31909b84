package io.exoclone.server.nbd;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Chunks of a structured reply: a 20-byte header (magic, flags, type, cookie, payload length) and a
 * payload whose layout the type gives. The last chunk of a reply carries {@link #FLAG_DONE}.
 */
final class StructuredReply {
    static final int MAGIC = 0x668e33ef;
    static final int HEADER_BYTES = 20;

    static final int FLAG_DONE = 1;

    static final int TYPE_NONE = 0;
    static final int TYPE_OFFSET_DATA = 1;
    static final int TYPE_OFFSET_HOLE = 2;
    static final int TYPE_BLOCK_STATUS = 5;
    static final int TYPE_ERROR = (1 << 15) + 1;
    static final int TYPE_ERROR_OFFSET = (1 << 15) + 2;

    private StructuredReply() {}

    static ByteBuffer header(int flags, int type, long cookie, int length) {
        return ByteBuffer.allocate(HEADER_BYTES)
                .putInt(MAGIC)
                .putShort((short) flags)
                .putShort((short) type)
                .putLong(cookie)
                .putInt(length)
                .flip();
    }

    /** The final chunk of a reply with nothing more to say: success. */
    static ByteBuffer none(long cookie) {
        return header(FLAG_DONE, TYPE_NONE, cookie, 0);
    }

    /**
     * The header and offset of an {@code NBD_REPLY_TYPE_OFFSET_DATA} chunk; {@code dataLength}
     * bytes of data follow it on the wire.
     */
    static ByteBuffer offsetData(long cookie, long offset, int dataLength, boolean done) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 8);
        b.put(header(done ? FLAG_DONE : 0, TYPE_OFFSET_DATA, cookie, 8 + dataLength));
        return b.putLong(offset).flip();
    }

    /** {@code NBD_REPLY_TYPE_OFFSET_HOLE}: {@code length} bytes at {@code offset} read as zeros. */
    static ByteBuffer offsetHole(long cookie, long offset, int length, boolean done) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 12);
        b.put(header(done ? FLAG_DONE : 0, TYPE_OFFSET_HOLE, cookie, 12));
        return b.putLong(offset).putInt(length).flip();
    }

    /** {@code NBD_REPLY_TYPE_BLOCK_STATUS}: the context id and one or more descriptors. */
    static ByteBuffer blockStatus(
            long cookie, int contextId, List<AllocationMap.Descriptor> descriptors, boolean done) {
        if (descriptors.isEmpty()) {
            throw new IllegalArgumentException("A block status chunk needs a descriptor");
        }
        int length = 4 + 8 * descriptors.size();
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + length);
        b.put(header(done ? FLAG_DONE : 0, TYPE_BLOCK_STATUS, cookie, length));
        b.putInt(contextId);
        for (AllocationMap.Descriptor d : descriptors) {
            b.putInt((int) d.length()).putInt(d.flags());
        }
        return b.flip();
    }

    /** {@code NBD_REPLY_TYPE_ERROR}, final: the error and a message for the user. */
    static ByteBuffer error(long cookie, NbdError error, String message) {
        byte[] m = OptionReply.utf8(message == null ? "" : message);
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 6 + m.length);
        b.put(header(FLAG_DONE, TYPE_ERROR, cookie, 6 + m.length));
        return b.putInt(error.code()).putShort((short) m.length).put(m).flip();
    }
}

package io.exoclone.server.nbd;

import java.nio.ByteBuffer;

/**
 * A transmission request header (28 bytes): magic, command flags, command type, the client's cookie
 * (the "handle"), offset and length. A write's payload follows it on the wire.
 */
record Request(int flags, int type, long cookie, long offset, long length) {
    static final int MAGIC = 0x25609513;
    static final int HEADER_BYTES = 28;

    static final int READ = 0;
    static final int WRITE = 1;
    static final int DISC = 2;
    static final int FLUSH = 3;
    static final int TRIM = 4;
    static final int CACHE = 5;
    static final int WRITE_ZEROES = 6;
    static final int BLOCK_STATUS = 7;

    static final int FLAG_FUA = 1;
    static final int FLAG_NO_HOLE = 1 << 1;
    static final int FLAG_DF = 1 << 2;
    static final int FLAG_REQ_ONE = 1 << 3;
    static final int FLAG_FAST_ZERO = 1 << 4;

    /**
     * Decodes a header; the offset is unsigned on the wire (one at or past 2^63 is past the end of
     * any export, so it is kept negative and refused as such), the length is a 32-bit unsigned.
     *
     * @throws NbdProtocolException on a bad magic number: the stream is out of step
     */
    static Request decode(ByteBuffer b) {
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new NbdProtocolException(
                    String.format("Request magic 0x%08x is not 0x%08x", magic, MAGIC));
        }
        int flags = Short.toUnsignedInt(b.getShort());
        int type = Short.toUnsignedInt(b.getShort());
        long cookie = b.getLong();
        long offset = b.getLong();
        long length = Integer.toUnsignedLong(b.getInt());
        return new Request(flags, type, cookie, offset, length);
    }

    boolean fua() {
        return (flags & FLAG_FUA) != 0;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** The command's name in the protocol document, for messages. */
    static String name(int type) {
        return switch (type) {
            case READ -> "NBD_CMD_READ";
            case WRITE -> "NBD_CMD_WRITE";
            case DISC -> "NBD_CMD_DISC";
            case FLUSH -> "NBD_CMD_FLUSH";
            case TRIM -> "NBD_CMD_TRIM";
            case CACHE -> "NBD_CMD_CACHE";
            case WRITE_ZEROES -> "NBD_CMD_WRITE_ZEROES";
            case BLOCK_STATUS -> "NBD_CMD_BLOCK_STATUS";
            default -> "command " + type;
        };
    }
}

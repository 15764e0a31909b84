package io.exoclone.server.nbd;

import java.nio.ByteBuffer;

/**
 * The items of {@code NBD_REP_INFO} replies to {@code NBD_OPT_INFO} and {@code NBD_OPT_GO}: a
 * 16-bit type, then its payload.
 */
final class InfoReply {
    static final int EXPORT = 0;
    static final int NAME = 1;
    static final int DESCRIPTION = 2;
    static final int BLOCK_SIZE = 3;

    private InfoReply() {}

    /** {@code NBD_INFO_EXPORT}: size and transmission flags (12 bytes); always sent. */
    static byte[] export(long size, int transmissionFlags) {
        return ByteBuffer.allocate(12)
                .putShort((short) EXPORT)
                .putLong(size)
                .putShort((short) transmissionFlags)
                .array();
    }

    /** {@code NBD_INFO_NAME}: the export's canonical name. */
    static byte[] name(String name) {
        return string(NAME, name);
    }

    /** {@code NBD_INFO_DESCRIPTION}: a line for people. */
    static byte[] description(String description) {
        return string(DESCRIPTION, description);
    }

    /** {@code NBD_INFO_BLOCK_SIZE}: minimum, preferred and maximum block size (14 bytes). */
    static byte[] blockSize(int minimum, int preferred, int maximum) {
        return ByteBuffer.allocate(14)
                .putShort((short) BLOCK_SIZE)
                .putInt(minimum)
                .putInt(preferred)
                .putInt(maximum)
                .array();
    }

    private static byte[] string(int type, String s) {
        byte[] b = OptionReply.utf8(s);
        return ByteBuffer.allocate(2 + b.length).putShort((short) type).put(b).array();
    }
}

package io.exoclone.server.nbd;

import java.nio.ByteBuffer;

/**
 * The simple reply (16 bytes: magic, error, cookie), followed by the data of a successful read. The
 * only reply there is unless the client negotiated structured replies.
 */
final class SimpleReply {
    static final int MAGIC = 0x67446698;
    static final int HEADER_BYTES = 16;

    private SimpleReply() {}

    /** A reply header; {@code error} 0 for success. */
    static ByteBuffer header(int error, long cookie) {
        return ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(error).putLong(cookie).flip();
    }
}

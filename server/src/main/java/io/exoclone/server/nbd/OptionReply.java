package io.exoclone.server.nbd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server's replies to options (all but {@code NBD_OPT_EXPORT_NAME}): a magic number, the option
 * answered, the reply type, the length of the data, the data.
 */
final class OptionReply {
    static final long MAGIC = 0x3e889045565a9L;

    static final int ACK = 1;
    static final int SERVER = 2;
    static final int INFO = 3;
    static final int META_CONTEXT = 4;

    static final int ERR_UNSUP = 0x80000001;
    static final int ERR_POLICY = 0x80000002;
    static final int ERR_INVALID = 0x80000003;
    static final int ERR_PLATFORM = 0x80000004;
    static final int ERR_TLS_REQD = 0x80000005;
    static final int ERR_UNKNOWN = 0x80000006;
    static final int ERR_SHUTDOWN = 0x80000007;
    static final int ERR_BLOCK_SIZE_REQD = 0x80000008;
    static final int ERR_TOO_BIG = 0x80000009;

    static final int HEADER_BYTES = 20;

    /** Strings on the wire are at most 4096 bytes. */
    static final int MAX_STRING = 4096;

    private OptionReply() {}

    /** A reply of any type with the given data. */
    static ByteBuffer of(int option, int type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + data.length);
        b.putLong(MAGIC).putInt(option).putInt(type).putInt(data.length).put(data);
        return b.flip();
    }

    static ByteBuffer ack(int option) {
        return of(option, ACK, new byte[0]);
    }

    /** One export in the answer to {@code NBD_OPT_LIST}: its name, then a description. */
    static ByteBuffer server(int option, String name, String description) {
        byte[] n = utf8(name);
        byte[] d = utf8(description);
        ByteBuffer data = ByteBuffer.allocate(4 + n.length + d.length);
        data.putInt(n.length).put(n).put(d);
        return of(option, SERVER, data.array());
    }

    /** One {@code NBD_REP_INFO} item (see {@link InfoReply}). */
    static ByteBuffer info(int option, byte[] item) {
        return of(option, INFO, item);
    }

    /** A metadata context: its id (0 in answers to LIST) and name. */
    static ByteBuffer metaContext(int option, int id, String name) {
        byte[] n = utf8(name);
        ByteBuffer data = ByteBuffer.allocate(4 + n.length);
        data.putInt(id).put(n);
        return of(option, META_CONTEXT, data.array());
    }

    /** An error reply ({@code type} has bit 31 set) with a message for the user. */
    static ByteBuffer error(int option, int type, String message) {
        if (type >= 0) {
            throw new IllegalArgumentException("Reply type " + type + " is not an error");
        }
        return of(option, type, utf8(message));
    }

    /** UTF-8 bytes of a string, cut to the protocol's 4096 bytes at a character boundary. */
    static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_STRING) {
            return b;
        }
        int end = MAX_STRING;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--; // do not cut a multi-byte character
        }
        return java.util.Arrays.copyOf(b, end);
    }
}

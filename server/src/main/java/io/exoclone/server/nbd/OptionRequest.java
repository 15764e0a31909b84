package io.exoclone.server.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One option the client sends during the handshake: {@code IHAVEOPT}, the option number, the length
 * of its data, the data.
 */
record OptionRequest(int option, byte[] data) {
    static final int EXPORT_NAME = 1;
    static final int ABORT = 2;
    static final int LIST = 3;
    static final int STARTTLS = 5;
    static final int INFO = 6;
    static final int GO = 7;
    static final int STRUCTURED_REPLY = 8;
    static final int LIST_META_CONTEXT = 9;
    static final int SET_META_CONTEXT = 10;
    static final int EXTENDED_HEADERS = 11;

    static final int HEADER_BYTES = 16;

    /**
     * Longest option data read. Real options are far shorter (names and queries are at most 4096
     * bytes); a longer one is treated as an attack and ends the connection.
     */
    static final int MAX_DATA = 1 << 20;

    /** Reads one option; null when the client closed the connection between options. */
    static OptionRequest read(Wire wire) throws IOException {
        ByteBuffer h = wire.readMessage(HEADER_BYTES);
        if (h == null) {
            return null;
        }
        long magic = h.getLong();
        int option = h.getInt();
        long length = Integer.toUnsignedLong(h.getInt());
        if (magic != Handshake.IHAVEOPT) {
            throw new NbdProtocolException(
                    String.format("Option magic 0x%016x is not IHAVEOPT", magic));
        }
        if (length > MAX_DATA) {
            throw new NbdProtocolException(
                    "Option "
                            + name(option)
                            + " carries "
                            + length
                            + " bytes of data, more than the "
                            + MAX_DATA
                            + " this server reads");
        }
        byte[] data = new byte[(int) length];
        wire.readFully(data, 0, data.length);
        return new OptionRequest(option, data);
    }

    /** The option's name in the protocol document, for messages. */
    static String name(int option) {
        return switch (option) {
            case EXPORT_NAME -> "NBD_OPT_EXPORT_NAME";
            case ABORT -> "NBD_OPT_ABORT";
            case LIST -> "NBD_OPT_LIST";
            case STARTTLS -> "NBD_OPT_STARTTLS";
            case INFO -> "NBD_OPT_INFO";
            case GO -> "NBD_OPT_GO";
            case STRUCTURED_REPLY -> "NBD_OPT_STRUCTURED_REPLY";
            case LIST_META_CONTEXT -> "NBD_OPT_LIST_META_CONTEXT";
            case SET_META_CONTEXT -> "NBD_OPT_SET_META_CONTEXT";
            case EXTENDED_HEADERS -> "NBD_OPT_EXTENDED_HEADERS";
            default -> "option " + Integer.toUnsignedString(option);
        };
    }
}

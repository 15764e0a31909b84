package io.exoclone.server.nbd;

import java.nio.ByteBuffer;

/**
 * The start of the fixed newstyle handshake: the server's greeting ({@code NBDMAGIC}, {@code
 * IHAVEOPT}, handshake flags) and the client's flags in answer. Oldstyle negotiation is never
 * offered; a client that does not answer with {@code NBD_FLAG_C_FIXED_NEWSTYLE}, or sets a flag the
 * server did not offer, is refused (the protocol requires dropping the connection).
 */
final class Handshake {
    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454F5054L;

    /** Handshake flags (server). */
    static final int FLAG_FIXED_NEWSTYLE = 1;

    static final int FLAG_NO_ZEROES = 1 << 1;

    /** Client flags. */
    static final int CLIENT_FIXED_NEWSTYLE = 1;

    static final int CLIENT_NO_ZEROES = 1 << 1;

    /** Length of the greeting, and of the client's flags. */
    static final int GREETING_BYTES = 18;

    static final int CLIENT_FLAGS_BYTES = 4;

    private Handshake() {}

    /** What the server sends first: 18 bytes. */
    static ByteBuffer greeting() {
        ByteBuffer b = ByteBuffer.allocate(GREETING_BYTES);
        b.putLong(NBDMAGIC)
                .putLong(IHAVEOPT)
                .putShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES));
        return b.flip();
    }

    /**
     * Checks the client's answer to the greeting.
     *
     * @return whether the client asked for no zero padding after {@code NBD_OPT_EXPORT_NAME}
     * @throws NbdProtocolException for a non-fixed newstyle client or an unknown flag
     */
    static boolean noZeroes(int clientFlags) {
        int unknown = clientFlags & ~(CLIENT_FIXED_NEWSTYLE | CLIENT_NO_ZEROES);
        if (unknown != 0) {
            throw new NbdProtocolException(
                    String.format(
                            "Client flags 0x%08x set flags this server did not offer (0x%08x)",
                            clientFlags, unknown));
        }
        if ((clientFlags & CLIENT_FIXED_NEWSTYLE) == 0) {
            throw new NbdProtocolException(
                    String.format(
                            "Client flags 0x%08x lack NBD_FLAG_C_FIXED_NEWSTYLE: only fixed newstyle"
                                    + " negotiation is served",
                            clientFlags));
        }
        return (clientFlags & CLIENT_NO_ZEROES) != 0;
    }
}

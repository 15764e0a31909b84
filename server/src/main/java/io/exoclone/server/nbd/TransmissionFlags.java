package io.exoclone.server.nbd;

/**
 * The 16 transmission flags the server sends with an export's size: which commands and command
 * flags the client may use on it.
 */
final class TransmissionFlags {
    static final int HAS_FLAGS = 1;
    static final int READ_ONLY = 1 << 1;
    static final int SEND_FLUSH = 1 << 2;
    static final int SEND_FUA = 1 << 3;
    static final int ROTATIONAL = 1 << 4;
    static final int SEND_TRIM = 1 << 5;
    static final int SEND_WRITE_ZEROES = 1 << 6;
    static final int SEND_DF = 1 << 7;
    static final int CAN_MULTI_CONN = 1 << 8;
    static final int SEND_RESIZE = 1 << 9;
    static final int SEND_CACHE = 1 << 10;
    static final int SEND_FAST_ZERO = 1 << 11;

    private TransmissionFlags() {}

    /**
     * The flags of an export. Every export may be flushed (a no-op on a snapshot) and used over
     * several connections at once: a flush on any connection commits the whole pool, so it makes
     * every write acknowledged on any connection durable ({@code NBD_FLAG_CAN_MULTI_CONN}). A
     * writable export also takes trim and write-zeroes, which unmap and are always fast; {@code
     * NBD_FLAG_SEND_DF} only once structured replies are on (a read is always one chunk).
     */
    static int of(boolean readOnly, boolean structuredReplies) {
        int f = HAS_FLAGS | SEND_FLUSH | SEND_FUA | CAN_MULTI_CONN;
        if (readOnly) {
            f |= READ_ONLY;
        } else {
            f |= SEND_TRIM | SEND_WRITE_ZEROES | SEND_FAST_ZERO;
        }
        if (structuredReplies) {
            f |= SEND_DF;
        }
        return f;
    }
}

package io.exoclone.server.nbd;

/**
 * The error values of the NBD transmission phase (the protocol fixes them to the common Linux errno
 * numbers), and when this server uses each.
 */
enum NbdError {
    /** A write, trim or write-zeroes on a read-only export (a snapshot). */
    EPERM(1),
    /** The pool failed to read, write or commit; or writes acknowledged earlier were lost. */
    EIO(5),
    ENOMEM(12),
    /** A bad request: unknown command or flag, read or trim past the end, over 32 MiB. */
    EINVAL(22),
    /** A write or write-zeroes past the end of the export, or the pool's disk is full. */
    ENOSPC(28),
    EOVERFLOW(75),
    ENOTSUP(95),
    /** The server is stopping. */
    ESHUTDOWN(108);

    private final int code;

    NbdError(int code) {
        this.code = code;
    }

    /** The value sent in the error field of a reply. */
    int code() {
        return code;
    }
}

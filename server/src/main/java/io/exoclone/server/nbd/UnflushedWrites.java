package io.exoclone.server.nbd;

/**
 * Whether writes acknowledged on a volume export (on any of its connections) were lost before a
 * commit made them durable. The pool discards its open transaction when an operation fails (a full
 * disk, an I/O error) and counts it in {@link io.exoclone.engine.Pool#resets()}: a write noted at
 * reset count {@code r} survived if the commit that follows still sees {@code r}.
 *
 * <p>{@link #noteWrite} and {@link #committed} are called while holding the pool's monitor,
 * together with the write and with the commit, so no write or reset slips between the count and the
 * operation. A commit made elsewhere (a snapshot) is not seen here: a later reset then counts as a
 * loss although the writes were durable, an error on the safe side.
 */
final class UnflushedWrites {
    private static final long CLEAN = -1;

    private long since = CLEAN;
    private long losses;

    /** Before a write: the pool's reset count now. */
    synchronized void noteWrite(long resets) {
        if (since == CLEAN) {
            since = resets;
        }
    }

    /** After a successful commit, with the pool's reset count at that commit. */
    synchronized void committed(long resets) {
        if (since != CLEAN && since != resets) {
            losses++;
        }
        since = CLEAN;
    }

    /** How many times acknowledged writes were lost; a connection compares it with its start. */
    synchronized long losses() {
        return losses;
    }
}

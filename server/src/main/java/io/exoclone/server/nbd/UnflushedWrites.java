package io.exoclone.server.nbd;

/**
 * Whether writes acknowledged on a volume export (on any of its connections) were lost before a
 * commit made them durable. The pool discards its open transaction when an operation fails (a full
 * disk, an I/O error) and counts it in {@link io.exoclone.engine.Pool#resets()}: a write noted at
 * reset count {@code r} survived if the commit that follows still sees {@code r}.
 *
 * <p>A write reads the reset count before it is applied and notes it after; a commit first takes
 * the writes noted so far ({@link #beginCommit}), then commits, then compares ({@link #committed})
 * with the reset count after it. A write taken by {@link #beginCommit} was applied before the
 * commit froze its transaction, so it is in that commit; a reset anywhere between the write and the
 * end of the commit changes the count. Every race therefore errs on the safe side: a loss may be
 * reported for writes that were durable, never the reverse. A commit made elsewhere (a snapshot) is
 * not seen here: a later reset then counts as a loss too.
 */
final class UnflushedWrites {
    private static final long CLEAN = -1;

    private long since = CLEAN;
    private long committing = CLEAN;
    private long losses;

    /** Before a write: the pool's reset count now. */
    synchronized void noteWrite(long resets) {
        if (since == CLEAN) {
            since = resets;
        }
    }

    /** Before a commit: the writes noted so far are the ones it must make durable. */
    synchronized void beginCommit() {
        if (since != CLEAN) {
            committing = committing == CLEAN ? since : Math.min(committing, since);
            since = CLEAN;
        }
    }

    /**
     * After a successful commit, with the pool's reset count after it. Writes of a commit that
     * failed stay taken, and count as lost at the next successful one (the failure reset the pool).
     */
    synchronized void committed(long resets) {
        if (committing != CLEAN && committing != resets) {
            losses++;
        }
        committing = CLEAN;
    }

    /** How many times acknowledged writes were lost; a connection compares it with its start. */
    synchronized long losses() {
        return losses;
    }
}

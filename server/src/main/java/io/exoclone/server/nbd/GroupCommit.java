package io.exoclone.server.nbd;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.Pool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Makes writes durable for every connection at once: each {@code NBD_CMD_FLUSH} and FUA write asks
 * for a commit, and one thread runs one {@link Pool#sync()} for all requests that arrived while the
 * previous commit ran. A request is answered by the first commit that starts after it was made, so
 * every write applied before it is in that commit.
 *
 * <p>Callbacks run on the commit thread and must not block (they hand the reply to the connection);
 * the failure is null when the commit succeeded.
 */
final class GroupCommit implements AutoCloseable {
    private final Pool pool;
    private final Exports exports;
    private final ArrayDeque<Consumer<RuntimeException>> queue = new ArrayDeque<>();

    /** How often written data is synced in the background when nothing asks for a commit. */
    static final long DATA_SYNC_MILLIS = 100;

    private final Thread thread;
    private boolean closed;
    private long commits;
    private long requests;

    GroupCommit(Exports exports) {
        this.exports = exports;
        this.pool = exports.pool();
        this.thread = new Thread(this::run, "nbd-group-commit");
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for a commit; {@code done} is called once it ends (null: success). */
    void submit(Consumer<RuntimeException> done) {
        synchronized (this) {
            if (!closed) {
                queue.add(done);
                requests++;
                notifyAll();
                return;
            }
        }
        done.accept(
                new ExocloneException("The NBD server of pool " + pool.directory() + " stopped"));
    }

    /** Commits run so far, and the flush requests they answered. */
    synchronized long[] stats() {
        return new long[] {commits, requests};
    }

    private void run() {
        long synced = exports.writes();
        while (true) {
            List<Consumer<RuntimeException>> batch;
            synchronized (this) {
                if (queue.isEmpty() && !closed) {
                    try {
                        wait(DATA_SYNC_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        closed = true;
                    }
                }
                if (queue.isEmpty() && closed) {
                    return;
                }
                batch = new ArrayList<>(queue);
                queue.clear();
            }
            if (batch.isEmpty()) {
                long writes = exports.writes();
                if (writes != synced) {
                    synced = writes;
                    syncData();
                }
                continue;
            }
            synced = exports.writes();
            RuntimeException failure = commit();
            synchronized (this) {
                commits++;
            }
            for (Consumer<RuntimeException> done : batch) {
                done.accept(failure);
            }
        }
    }

    /**
     * One commit, and whether the writes before it survived (see {@link UnflushedWrites}). The pool
     * does the commit's I/O outside its monitor, so other connections read and write meanwhile.
     */
    private RuntimeException commit() {
        try {
            exports.beginCommit();
            pool.sync();
            exports.committed(pool.resets());
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * Between commits, the data written is synced in the background, outside the pool's monitor:
     * the commits that follow (flushes, snapshots, the engine's own group commit) then hold the
     * monitor for a short fsync only. A failure discards the open transaction (see {@link
     * Pool#syncData()}); the next flush reports the lost writes.
     */
    private void syncData() {
        try {
            pool.syncData();
        } catch (RuntimeException e) {
            // counted in Pool.resets(): the flushes of the connections concerned fail
        }
    }

    /** Answers what is queued with one last commit, then stops the thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

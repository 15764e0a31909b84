package io.exoclone.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The transactions of an open {@link Pool}: runs operations on its {@link Engine} under the pool's
 * monitor, discards the open transaction after a failure (a reload of the last commit), and runs
 * commits with their I/O outside the monitor ({@link #commitOutside}, see {@link Committer}).
 *
 * <p>The monitor is the {@link Pool} object itself, so that a caller can make several operations
 * one atomic step by synchronizing on the pool.
 */
final class Transactions {
    private final Object monitor;
    private final Path dir;
    private final FileLayer layer;
    private final PoolOptions options;
    private Engine engine;
    private boolean closed;
    private long resets;
    private final java.util.concurrent.locks.ReentrantLock commitLock =
            new java.util.concurrent.locks.ReentrantLock();
    private boolean groupCommitRunning;
    private RuntimeException groupCommitFailure;

    Transactions(Object monitor, Path dir, FileLayer layer, PoolOptions options, Engine engine) {
        this.monitor = monitor;
        this.dir = dir;
        this.layer = layer;
        this.options = options;
        this.engine = engine;
    }

    /**
     * Runs a mutating operation. Validation errors pass through untouched; any other failure
     * discards the open transaction by reloading the last committed state from disk.
     */
    <T> T mutate(Pool.Op<T> op) {
        synchronized (monitor) {
            Engine e = engine();
            try {
                return op.run(e);
            } catch (InvalidArgumentException
                    | NotFoundException
                    | MergeConflictException
                    | InUseException ex) {
                throw ex;
            } catch (IOException ex) {
                reload();
                throw new ExocloneException("I/O error in pool " + dir + ": " + ex, ex);
            } catch (UncheckedIOException ex) {
                reload();
                throw new ExocloneException("I/O error in pool " + dir + ": " + ex.getCause(), ex);
            } catch (RuntimeException | Error ex) {
                reload();
                throw ex;
            }
        }
    }

    <T> T query(Pool.Op<T> op) {
        synchronized (monitor) {
            try {
                return op.run(engine());
            } catch (IOException ex) {
                throw new ExocloneException("I/O error in pool " + dir + ": " + ex, ex);
            } catch (UncheckedIOException ex) {
                throw new ExocloneException("I/O error in pool " + dir + ": " + ex.getCause(), ex);
            }
        }
    }

    Engine engine() {
        if (closed) {
            throw new ExocloneException("Pool " + dir + " is closed");
        }
        if (engine == null) {
            throw new ExocloneException(
                    "Pool " + dir + " could not reload its last commit after an error; reopen it");
        }
        return engine;
    }

    void reload() {
        resets++;
        Engine old = engine;
        engine = null;
        if (old != null) {
            old.committer.awaitInFlight(); // its superblock flip must not race the reload
            old.close();
        }
        try {
            engine = Engine.load(dir, layer, options);
        } catch (IOException | RuntimeException ex) {
            engine = null;
        }
    }

    /**
     * Runs {@code op} and commits the open transaction with the I/O outside the monitor; returns
     * once the commit is durable. Called without the monitor (with it, everything is committed
     * under it, as {@link Engine#commit} does).
     */
    <T> T commitOutside(Pool.Op<T> op) {
        if (Thread.holdsLock(monitor)) {
            return mutate(
                    e -> {
                        T result = op.run(e);
                        e.commit();
                        return result;
                    });
        }
        commitLock.lock();
        try {
            // 1. Under the monitor: the operation, then the freeze of what its commit writes.
            Frozen<T> f = mutate(e -> new Frozen<>(op.run(e), e, e.committer.freeze()));
            if (f.batch() != null) {
                // 2. The writes and fsyncs without the monitor, 3. the completion with it.
                writeAndComplete(f.engine(), f.batch());
            }
            return f.result();
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Makes everything written before this call durable. When a commit frozen after the call began
     * (a background group commit, another flush) is durable by the time this one may commit, it
     * covered those writes, and nothing more is committed.
     */
    void sync() {
        if (Thread.holdsLock(monitor)) {
            commitOutside(e -> null);
            return;
        }
        Engine at;
        long frozenBefore;
        synchronized (monitor) {
            at = engine();
            frozenBefore = at.state.seq; // commits up to this one were frozen before the call
        }
        commitLock.lock();
        try {
            synchronized (monitor) {
                if (engine == at && at.committer.durableSeq() > frozenBefore) {
                    return;
                }
            }
            commitOutside(e -> null);
        } finally {
            commitLock.unlock();
        }
    }

    /** An operation's result and the commit frozen right after it (null: nothing to commit). */
    private record Frozen<T>(T result, Engine engine, Committer.Batch batch) {}

    /** The I/O of a frozen commit (no monitor), then its completion or, on failure, a reload. */
    private void writeAndComplete(Engine owner, Committer.Batch batch) {
        try {
            owner.committer.write(batch);
        } catch (RuntimeException ex) {
            // recorded in the batch
        }
        RuntimeException failure = batch.await();
        synchronized (monitor) {
            try {
                if (engine == owner && owner != null && !closed) {
                    if (failure == null) {
                        owner.committer.complete(batch);
                    } else if (owner.committer.inFlight() == batch) {
                        reload();
                    }
                }
            } finally {
                monitor.notifyAll(); // readers waiting for a snapshot to be durable
            }
        }
        if (failure == null) {
            owner.committer.unlinkDead(batch); // without the monitor: writers go on
        }
        if (failure instanceof CommitStateUnknownException) {
            throw failure;
        }
        if (failure != null) {
            throw new ExocloneException(
                    "I/O error in pool " + dir + ": " + failure.getMessage(), failure);
        }
    }

    /**
     * A query of the snapshot catalog: waits while a commit that adds a snapshot is in flight, so
     * that no one sees (exports, replicates, clones) a snapshot that a crash could still take away.
     */
    <T> T snapshotQuery(Pool.Op<T> op) {
        synchronized (monitor) {
            while (engine != null && !closed) {
                Committer.Batch b = engine.committer.inFlight();
                if (b == null || !b.addsSnapshot) {
                    break;
                }
                try {
                    monitor.wait(50); // its writer completes it under the monitor and notifies
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new ExocloneException("Interrupted while a snapshot was committed", ex);
                }
            }
            return query(op);
        }
    }

    /**
     * A group commit that writes called for, outside the monitor: on a background thread, or in the
     * writer when writes have outrun commits.
     */
    void groupCommit(int due) {
        if (due == Engine.COMMIT_NOT_DUE) {
            return;
        }
        if (Thread.holdsLock(monitor)) {
            mutate(
                    e -> {
                        e.commit();
                        return null;
                    });
            return;
        }
        if (due == Engine.COMMIT_OVERDUE) {
            commitOutside(e -> null);
            return;
        }
        synchronized (monitor) {
            if (groupCommitRunning) {
                return;
            }
            groupCommitRunning = true;
        }
        Thread t =
                new Thread(
                        () -> {
                            try {
                                commitOutside(e -> null);
                            } catch (RuntimeException ex) {
                                synchronized (monitor) {
                                    if (!closed) {
                                        groupCommitFailure = ex;
                                    }
                                }
                            } finally {
                                synchronized (monitor) {
                                    groupCommitRunning = false;
                                }
                            }
                        },
                        "exoclone-group-commit");
        t.setDaemon(true);
        t.start();
    }

    /** Throws, once, the failure of a background group commit (its writes were discarded). */
    void throwGroupCommitFailure() {
        synchronized (monitor) {
            RuntimeException f = groupCommitFailure;
            if (f != null) {
                groupCommitFailure = null;
                throw new ExocloneException(
                        "A group commit of pool "
                                + dir
                                + " failed and discarded the writes since the last commit: "
                                + f.getMessage(),
                        f);
            }
        }
    }

    /** How many times the open transaction was discarded (see {@link Pool#resets()}). */
    long resets() {
        synchronized (monitor) {
            return resets;
        }
    }

    /**
     * Commits pending writes and closes the engine; false when closed already. The caller holds the
     * monitor.
     */
    boolean close() {
        if (closed) {
            return false;
        }
        try {
            if (engine != null) {
                try {
                    engine.commit();
                } finally {
                    engine.close();
                }
            }
        } finally {
            closed = true;
        }
        return true;
    }
}

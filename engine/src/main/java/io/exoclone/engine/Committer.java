package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The commits of one open {@link Engine}. A commit is three steps:
 *
 * <ol>
 *   <li>{@link #freeze} (under the pool's monitor, in-memory only): takes what the commit writes
 *       (the dirty node pages, the metadata log record's contents, the data files to fsync) and
 *       starts the next transaction at once;
 *   <li>{@link #write} (no monitor): writes the pages, fsyncs data, pages and the log record, then
 *       flips the superblock;
 *   <li>{@link #complete} (under the monitor): the bookkeeping of the now durable state.
 * </ol>
 *
 * <p>Between freeze and complete, readers and writers go on in the next transaction. Copy-on-write
 * keeps the frozen pages unchanged: they are clean, so a writer shadows them instead of changing
 * them, and pages they free stay allocated until this commit is durable ({@link NodeStore#freeze}).
 * Data segments are append-only, so what the frozen superblock names is never overwritten. At most
 * one commit is in flight: whoever holds the monitor and needs the state durable {@link #settle}s
 * it first. A failed write leaves the on-disk pool at its previous commit; the pool then discards
 * both transactions by reloading.
 */
final class Committer {
    private static final long CHECKPOINT_MIN_BYTES = 8L << 20;

    private final Engine e;
    private final FileLayer.Handle superFile;
    private FileLayer.Handle log;
    private long logId;
    private long logLength;
    private long lastCheckpointBytes;
    private long durableSeq;
    private Batch inFlight;

    /**
     * The buffers of the last commit's record, for the next. One commit writes at a time: {@link
     * #freeze} settles the one in flight first.
     */
    private MetaLog.Scratch scratch = new MetaLog.Scratch();

    /** What one commit writes, frozen; its write's outcome. */
    static final class Batch {
        final long seq;
        final List<Node> pages;
        final List<FileLayer.Handle> dataFiles;
        final MetaLog.Frozen record;
        final boolean checkpoint;
        final long nextPageId;
        final int currentSegment;
        final long currentSegmentLength;

        /** Built by {@link #write} once the record's length is known. */
        private Superblock superblock;

        final List<Integer> deadSegments;
        final List<Runnable> hooks;

        /** Whether the commit adds a snapshot (readers of snapshots wait until it is durable). */
        final boolean addsSnapshot;

        private FileLayer.Handle newLog;

        /** Files its completion left to remove without the monitor ({@link #unlinkDead}). */
        private List<Integer> detachedSegments = List.of();

        private java.nio.file.Path oldLog;

        private boolean done;
        private RuntimeException failure;

        Batch(
                long seq,
                List<Node> pages,
                List<FileLayer.Handle> dataFiles,
                MetaLog.Frozen record,
                boolean checkpoint,
                PoolState s,
                List<Integer> deadSegments,
                List<Runnable> hooks,
                boolean addsSnapshot) {
            this.seq = seq;
            this.pages = pages;
            this.dataFiles = dataFiles;
            this.record = record;
            this.checkpoint = checkpoint;
            this.nextPageId = s.nextPageId;
            this.currentSegment = s.currentSegment;
            this.currentSegmentLength = s.segments.get(s.currentSegment);
            this.deadSegments = deadSegments;
            this.hooks = hooks;
            this.addsSnapshot = addsSnapshot;
        }

        private synchronized RuntimeException finish(RuntimeException f) {
            failure = f;
            done = true;
            notifyAll();
            return f;
        }

        /** Waits until the write ended; returns its failure, null when it is durable. */
        synchronized RuntimeException await() {
            boolean interrupted = false;
            while (!done) {
                try {
                    wait();
                } catch (InterruptedException ex) {
                    interrupted = true; // a commit's outcome must be known before going on
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return failure;
        }
    }

    Committer(
            Engine e,
            FileLayer.Handle superFile,
            FileLayer.Handle log,
            long logId,
            long logLength) {
        this.e = e;
        this.superFile = superFile;
        this.log = log;
        this.logId = logId;
        this.logLength = logLength;
        this.lastCheckpointBytes = logLength;
        this.durableSeq = e.state.seq;
    }

    /** The sequence number of the last durable commit. */
    long durableSeq() {
        return durableSeq;
    }

    /** The commit being written, or null. */
    Batch inFlight() {
        return inFlight;
    }

    /**
     * Makes the open transaction durable before returning, under the monitor (the simple path of
     * operations that commit in the middle of their work).
     */
    void commit() {
        Batch b = freeze();
        if (b != null) {
            write(b);
            complete(b);
            unlinkDead(b);
        }
    }

    /**
     * Under the monitor: ends the open transaction and returns what its commit writes (null when
     * nothing changed). The next transaction starts at once.
     */
    Batch freeze() {
        settle();
        if (!e.hasPending()) {
            return null;
        }
        PoolState s = e.state;
        long seq = s.seq + 1;
        List<Integer> dead = e.collectDeadSegments();
        boolean checkpoint = logLength > Math.max(CHECKPOINT_MIN_BYTES, 4 * lastCheckpointBytes);
        MetaLog.Frozen record = MetaLog.freeze(s, seq, checkpoint);
        boolean addsSnapshot = s.dirtySnapshots.stream().anyMatch(s.snapshots::containsKey);
        List<FileLayer.Handle> data;
        try {
            data = e.segments.freezeTouched();
        } catch (IOException ex) {
            throw new ExocloneException("Commit " + seq + " failed: " + ex.getMessage(), ex);
        }
        Batch b =
                new Batch(
                        seq,
                        e.store.freeze(),
                        data,
                        record,
                        checkpoint,
                        s,
                        dead,
                        e.takeAfterCommitHooks(),
                        addsSnapshot);
        s.seq = seq;
        s.clearChanges();
        inFlight = b;
        return b;
    }

    /**
     * Without the monitor: writes a frozen commit and flips the superblock. Throws, leaving the
     * on-disk pool at its previous commit, when a step before the flip fails; throws {@link
     * CommitStateUnknownException} when the flip itself fails.
     */
    void write(Batch b) {
        if (!scratch.keep()) { // the last commit's buffers grew outsized: not kept
            scratch = new MetaLog.Scratch();
        }
        boolean fsync = e.options.fsync();
        FileLayer.Handle target = log;
        try {
            ByteBuffer record = b.record.encode(scratch);
            b.superblock =
                    new Superblock(
                            b.seq,
                            b.nextPageId,
                            b.checkpoint ? logId + 1 : logId,
                            (b.checkpoint ? 0 : logLength) + record.remaining(),
                            b.currentSegment,
                            b.currentSegmentLength);
            e.store.writePages(b.pages);
            if (fsync) {
                for (FileLayer.Handle h : b.dataFiles) {
                    h.force();
                }
                if (!b.pages.isEmpty()) {
                    e.store.force();
                }
            }
            if (b.checkpoint) {
                target = e.layer.open(e.dir.resolve(MetaLog.fileName(b.superblock.logId())), true);
                target.truncate(0);
                target.write(record, 0);
            } else {
                target.write(record, logLength);
            }
            if (fsync) {
                target.force();
                if (b.checkpoint) {
                    e.layer.syncDirectory(e.dir);
                }
            }
        } catch (IOException | RuntimeException ex) {
            if (target != log) {
                Engine.closeQuietly(target);
            }
            throw b.finish(
                    new ExocloneException(
                            "Commit "
                                    + b.seq
                                    + " failed before it became durable; the pool keeps commit "
                                    + durableSeq
                                    + ": "
                                    + ex.getMessage(),
                            ex));
        }
        try {
            b.superblock.write(superFile, fsync);
        } catch (IOException | RuntimeException ex) {
            throw b.finish(
                    new CommitStateUnknownException(
                            "Writing the superblock of commit "
                                    + b.seq
                                    + " failed; reopen the pool to learn"
                                    + " whether it is durable: "
                                    + ex.getMessage(),
                            ex));
        }
        b.newLog = target;
        b.finish(null);
    }

    /** Under the monitor, after a successful {@link #write}: bookkeeping of the durable state. */
    void complete(Batch b) {
        if (inFlight != b) {
            return; // completed by whoever settled it
        }
        inFlight = null;
        durableSeq = b.seq;
        e.store.afterCommit();
        List<Integer> detached = new ArrayList<>(b.deadSegments.size());
        if (b.checkpoint) {
            long oldId = logId;
            Engine.closeQuietly(log);
            log = b.newLog;
            logId = b.superblock.logId();
            lastCheckpointBytes = b.superblock.logLength();
            b.oldLog = e.dir.resolve(MetaLog.fileName(oldId));
        }
        logLength = b.superblock.logLength();
        for (int seg : b.deadSegments) {
            try {
                e.segments.detach(seg);
                detached.add(seg);
            } catch (IOException ex) {
                // An orphan segment file is removed at the next open.
            }
        }
        b.detachedSegments = detached;
        b.hooks.forEach(Runnable::run);
    }

    /**
     * After {@link #complete}, with or without the monitor: removes the files the commit left dead
     * (segments, the log a checkpoint replaced). Without the monitor writers go on meanwhile; a
     * crash first leaves orphans that the next open removes.
     */
    void unlinkDead(Batch b) {
        List<Integer> segments;
        java.nio.file.Path log;
        synchronized (b) {
            segments = b.detachedSegments;
            log = b.oldLog;
            b.detachedSegments = List.of();
            b.oldLog = null;
        }
        for (int seg : segments) {
            try {
                e.segments.unlink(seg);
            } catch (IOException ex) {
                // An orphan segment file is removed at the next open.
            }
        }
        if (log != null) {
            e.deleteQuietly(log);
        }
    }

    /**
     * Under the monitor: waits for the commit in flight (its write needs no monitor) and completes
     * it, so that what follows sees a durable state. Throws when that commit failed: the caller's
     * transaction is then lost with it, and the pool reloads.
     */
    void settle() {
        Batch b = inFlight;
        if (b == null) {
            return;
        }
        RuntimeException failure = b.await();
        if (failure != null) {
            throw new ExocloneException(
                    "Commit " + b.seq + " failed, so this change is lost: " + failure.getMessage(),
                    failure);
        }
        complete(b);
        unlinkDead(b);
    }

    /** Waits for the commit in flight to end, whatever its outcome (before a reload). */
    void awaitInFlight() {
        Batch b = inFlight;
        if (b != null) {
            b.await();
        }
    }

    void close() {
        Engine.closeQuietly(superFile);
        Engine.closeQuietly(log);
    }
}

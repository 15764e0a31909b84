package io.exoclone.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A storage pool: a directory holding volumes, snapshots and clones on a copy-on-write B-tree.
 *
 * <p>Layout: {@code superblock} (two alternating checksummed slots), {@code nodes} (B-tree node
 * pages), {@code meta.log} (catalog and reference-count deltas, one record per commit), {@code
 * segments/} (append-only data). A commit writes data, nodes and the log record, fsyncs them, then
 * flips the superblock: after a crash at any point, {@link #open} returns the last committed state.
 *
 * <p>Writes are batched into group commits; {@link #sync()}, {@link #snapshot}, {@link #clone} and
 * {@link #close()} make everything written so far durable. A pool is opened for writing by one
 * process at a time (a lock file); a second open fails with {@link PoolLockedException}.
 *
 * <p>Thread-safe: operations are serialized by one lock.
 */
public final class Pool implements AutoCloseable {
    /** Logical block size of every volume. */
    public static final int BLOCK_SIZE = 4096;

    private Pool() {}

    /** Creates a new, empty pool in {@code dir} (which must not exist or be empty) and opens it. */
    public static Pool create(Path dir) {
        return create(dir, PoolOptions.defaults());
    }

    public static Pool create(Path dir, PoolOptions options) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Opens an existing pool for writing, recovering the last committed state. */
    public static Pool open(Path dir) {
        return open(dir, PoolOptions.defaults());
    }

    public static Pool open(Path dir, PoolOptions options) {
        throw new UnsupportedOperationException("TODO");
    }

    public Path directory() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Creates a thin-provisioned volume of {@code size} bytes (a multiple of the block size). */
    public Volume createVolume(String name, long size) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The named writable volume; {@link NotFoundException} when there is none. */
    public Volume volume(String name) {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<Volume> findVolume(String name) {
        throw new UnsupportedOperationException("TODO");
    }

    /** All volumes, ordered by name. */
    public List<Volume> volumes() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Takes an O(1) snapshot of a volume and makes it durable. Its parent is the volume's previous
     * snapshot (or the snapshot it was cloned from).
     *
     * @param tag optional, unique per volume name; may be null
     */
    public Snapshot snapshot(String volume, String tag) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Creates a writable volume that starts as an O(1) copy of a snapshot. */
    public Volume clone(UUID snapshotId, String newName) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Finds a snapshot by full UUID, unique UUID prefix, or {@code NAME@TAG}.
     *
     * @throws NotFoundException when nothing matches
     * @throws InvalidArgumentException when a prefix matches more than one snapshot
     */
    public Snapshot resolveSnapshot(String spec) {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<Snapshot> findSnapshot(UUID id) {
        throw new UnsupportedOperationException("TODO");
    }

    /** All snapshots, oldest first (by generation). */
    public List<Snapshot> snapshots() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The lineage of a snapshot, newest first: it, its parent, its parent's parent... */
    public List<Snapshot> lineage(UUID snapshotId) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Deletes a volume; space nothing else references is freed. */
    public void deleteVolume(String name) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Deletes a snapshot; space nothing else references is freed. */
    public void deleteSnapshot(UUID id) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The changed block ranges from {@code from} to {@code to}, visiting only modified nodes. */
    public SnapshotDiff diff(UUID from, UUID to) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Reads {@code length} bytes of a snapshot's image; unwritten ranges read as zeros. */
    public byte[] read(UUID snapshotId, long offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The extents of a snapshot intersecting blocks {@code [startBlock, endBlock)}, in order. */
    public List<Extent> extents(UUID snapshotId, long startBlock, long endBlock) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Space accounting for every volume and snapshot. */
    public PoolStats stat() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Verifies every invariant of the pool. Never modifies it. */
    public CheckReport check() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Makes every write so far durable (a group commit). */
    public void sync() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Reclaims space: deletes data segments nothing references and rewrites the live data of
     * sparsely used segments.
     *
     * @return bytes of segment files reclaimed
     */
    public long compact() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Commits pending writes and releases the lock. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}

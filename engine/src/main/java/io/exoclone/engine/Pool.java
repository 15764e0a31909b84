package io.exoclone.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A storage pool: a directory holding volumes, snapshots and clones on a copy-on-write B-tree.
 *
 * <p>Layout: {@code superblock} (two alternating checksummed slots), {@code nodes.dat} (B-tree node
 * pages), {@code meta-N.log} (catalog and reference-count changes, one record per commit), {@code
 * segments/} (append-only data). A commit writes data, nodes and the log record, fsyncs them, then
 * flips the superblock: after a crash at any point, {@link #open} returns the last committed state.
 *
 * <p>Writes are batched into group commits; {@link #sync()}, {@link #snapshot}, {@link #clone} and
 * {@link #close()} make everything written so far durable. A failed commit (for example a full
 * disk) leaves the pool at its previous commit and discards the writes that were not yet durable.
 * One process at a time opens a pool (a lock file); a second open fails with {@link
 * PoolLockedException}.
 *
 * <p>Thread-safe: operations are serialized by the pool's monitor. A commit holds it only to freeze
 * what it writes and to record that it is durable; its I/O runs outside (see {@link Committer}), so
 * reads and writes go on during the fsyncs. Commits run one at a time; a snapshot becomes visible
 * to others once it is durable.
 */
public final class Pool implements AutoCloseable {
    /** Logical block size of every volume. */
    public static final int BLOCK_SIZE = 4096;

    /** Largest volume: 1 PiB. */
    public static final long MAX_VOLUME_SIZE = 1L << 50;

    static final String LOCK = "pool.lock";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path dir;
    private final FileLayer layer;
    private final PoolOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Transactions tx;
    private final List<ChangeListener> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Leases leases = new Leases();

    private Pool(Path dir, FileLayer layer, PoolOptions options, FileChannel ch, FileLock lock)
            throws IOException {
        this.dir = dir;
        this.layer = layer;
        this.options = options;
        this.lockChannel = ch;
        this.lock = lock;
        this.tx = new Transactions(this, dir, layer, options, Engine.load(dir, layer, options));
        recoverAtOpen(tx.engine());
    }

    /**
     * What a crash can leave that no commit names: staged import files (a moved one goes back to
     * its original name) and the temporary volume of an atomic write. Then the reserve is taken.
     */
    private static void recoverAtOpen(Engine engine) throws IOException {
        for (String line : engine.staging.recover()) {
            System.getLogger(Pool.class.getName()).log(System.Logger.Level.WARNING, line);
        }
        for (String name : new ArrayList<>(engine.state.volumes.keySet())) {
            if (name.startsWith(AtomicWrite.PREFIX)) {
                AtomicWrite.drop(engine, name);
            }
        }
        engine.commitReclaiming();
        engine.reserve.hold();
    }

    /** Creates a new, empty pool in {@code dir} (which must not exist or be empty) and opens it. */
    public static Pool create(Path dir) {
        return create(dir, PoolOptions.defaults());
    }

    public static Pool create(Path dir, PoolOptions options) {
        return create(dir, options, RealFileLayer.INSTANCE);
    }

    static Pool create(Path dir, PoolOptions options, FileLayer layer) {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new InvalidArgumentException(
                            "Cannot create a pool at " + dir + ": it is a file");
                }
                try (var s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw new InvalidArgumentException(
                                "Cannot create a pool at " + dir + ": the directory is not empty");
                    }
                }
            }
            Files.createDirectories(dir);
            Engine.format(dir, layer, options);
        } catch (IOException e) {
            throw new ExocloneException("Cannot create a pool at " + dir + ": " + e, e);
        }
        return open(dir, options, layer);
    }

    /** Opens an existing pool, recovering the last committed state. */
    public static Pool open(Path dir) {
        return open(dir, PoolOptions.defaults());
    }

    public static Pool open(Path dir, PoolOptions options) {
        return open(dir, options, RealFileLayer.INSTANCE);
    }

    static Pool open(Path dir, PoolOptions options, FileLayer layer) {
        if (!Files.isDirectory(dir) || !Files.exists(dir.resolve(Engine.SUPERBLOCK))) {
            throw new NotFoundException("No exoclone pool at " + dir);
        }
        FileChannel ch = null;
        try {
            ch =
                    FileChannel.open(
                            dir.resolve(LOCK),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(dir.resolve(LOCK), StandardCharsets.UTF_8).trim();
                ch.close();
                throw new PoolLockedException(
                        "Pool "
                                + dir
                                + " is in use by another process"
                                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                                + "; only one process may open a pool at a time");
            }
            ch.truncate(0);
            ch.write(
                    java.nio.ByteBuffer.wrap(
                            (ProcessHandle.current().pid() + "\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    0);
            return new Pool(dir, layer, options, ch, lock);
        } catch (IOException e) {
            Engine.closeQuietly(ch);
            throw new ExocloneException("Cannot open pool " + dir + ": " + e, e);
        } catch (RuntimeException e) {
            if (ch != null && ch.isOpen()) {
                Engine.closeQuietly(ch);
            }
            throw e;
        }
    }

    public Path directory() {
        return dir;
    }

    // ---------------------------------------------------------------- plumbing

    /** An operation on the engine that may do I/O. */
    interface Op<T> {
        T run(Engine e) throws IOException;
    }

    private static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidArgumentException(
                    what
                            + " '"
                            + name
                            + "' is not valid: use 1-128 letters, digits, '.', '_' or '-',"
                            + " starting with a letter or digit");
        }
    }

    Snapshot toSnapshot(PoolState.SnapRec r) {
        return new Snapshot(
                r.id(),
                r.parent(),
                r.mergeParent(),
                r.volume(),
                r.volumeId(),
                r.generation(),
                Instant.ofEpochMilli(r.createdMillis()),
                r.tag(),
                r.size(),
                r.rootHash());
    }

    // ---------------------------------------------------------------- volumes

    /** Creates a thin-provisioned volume of {@code size} bytes (a multiple of the block size). */
    public Volume createVolume(String name, long size) {
        checkName("Volume name", name);
        if (size <= 0 || size % BLOCK_SIZE != 0 || size > MAX_VOLUME_SIZE) {
            throw new InvalidArgumentException(
                    "Volume size must be a positive multiple of 4096 up to 1 PiB, got " + size);
        }
        return tx.mutate(
                e -> {
                    if (e.state.volumes.containsKey(name)) {
                        throw new InvalidArgumentException(
                                "A volume named '" + name + "' exists already");
                    }
                    e.state.putVolume(
                            new PoolState.VolumeRec(
                                    name,
                                    UUID.randomUUID(),
                                    size,
                                    0,
                                    null,
                                    System.currentTimeMillis()));
                    e.commit();
                    return new Volume(this, name);
                });
    }

    /** The named writable volume; {@link NotFoundException} when there is none. */
    public Volume volume(String name) {
        return tx.query(
                e -> {
                    e.volume(name);
                    return new Volume(this, name);
                });
    }

    public Optional<Volume> findVolume(String name) {
        return tx.query(
                e ->
                        e.state.volumes.containsKey(name)
                                ? Optional.of(new Volume(this, name))
                                : Optional.empty());
    }

    /** All volumes, ordered by name. */
    public List<Volume> volumes() {
        return tx.query(
                e -> {
                    List<Volume> out = new ArrayList<>();
                    for (String n : e.state.volumes.keySet()) {
                        if (!n.startsWith(AtomicWrite.PREFIX)) {
                            out.add(new Volume(this, n));
                        }
                    }
                    return out;
                });
    }

    PoolState.VolumeRec volumeRec(String name) {
        return tx.query(e -> e.volume(name));
    }

    void write(String volume, long offset, byte[] data, int from, int length) {
        if (from < 0 || length < 0 || from + length > data.length) {
            throw new InvalidArgumentException(
                    "Buffer slice [" + from + ", " + (from + length) + ") outside " + data.length);
        }
        tx.throwGroupCommitFailure();
        tx.groupCommit(
                tx.mutate(
                        e -> {
                            e.write(volume, offset, data, from, length);
                            return e.commitDue();
                        }));
    }

    void trim(String volume, long offset, long length) {
        tx.throwGroupCommitFailure();
        tx.groupCommit(
                tx.mutate(
                        e -> {
                            e.trim(volume, offset, length);
                            return e.commitDue();
                        }));
    }

    byte[] readVolume(String volume, long offset, int length) {
        return tx.query(
                e -> {
                    PoolState.VolumeRec v = e.volume(volume);
                    return e.read(v.root(), v.size(), offset, length);
                });
    }

    byte[] readVolumeVerified(String volume, long offset, int length) {
        return tx.query(
                e -> {
                    PoolState.VolumeRec v = e.volume(volume);
                    return e.read(v.root(), v.size(), offset, length, true);
                });
    }

    long writeAtomically(
            String volume,
            long offset,
            java.io.InputStream in,
            java.util.function.LongConsumer done) {
        return new AtomicWrite(this, volume).run(offset, in, done);
    }

    /** Runs an operation of {@link AtomicWrite} as one mutation of the pool. */
    <T> T mutateInternal(Op<T> op) {
        return tx.mutate(op);
    }

    List<Extent> volumeExtents(String volume, long startBlock, long endBlock) {
        return tx.query(
                e -> {
                    PoolState.VolumeRec v = e.volume(volume);
                    List<Extent> out = new ArrayList<>();
                    e.tree.scan(v.root(), startBlock, endBlock, x -> out.add(x.toExtent()));
                    return out;
                });
    }

    byte[] volumeRootHash(String volume) {
        return tx.query(
                e -> {
                    PoolState.VolumeRec v = e.volume(volume);
                    return e.rootHash(v.root(), v.size());
                });
    }

    // ---------------------------------------------------------------- snapshots and clones

    /**
     * Takes an O(1) snapshot of a volume and makes it durable. Its parent is the volume's previous
     * snapshot (or the snapshot it was cloned from).
     *
     * @param tag optional, unique per volume name; may be null
     */
    public Snapshot snapshot(String volume, String tag) {
        checkTag(tag);
        Taken taken =
                tx.commitOutside(
                        e -> {
                            PoolState.SnapRec rec = takeSnapshot(e, volume, tag, null);
                            PendingIndex index = PendingIndex.take(e, volume, rec);
                            // A small change goes in this commit whole, a large one a part.
                            int parts = index.size() <= IN_COMMIT ? index.parts() : 1;
                            index.apply(e, 0, parts);
                            return new Taken(toSnapshot(rec), index, parts);
                        });
        // The rest of the content index entries, a part per hold of the monitor; they go in with
        // the next commit.
        for (int i = taken.boundParts(); i < taken.index().parts(); i++) {
            int part = i;
            tx.mutate(
                    e -> {
                        taken.index().apply(e, part, part + 1);
                        return null;
                    });
            // The monitor is not fair: without a pause this loop can take it back before a
            // writer woken by its release runs (after a burst of writes it runs 255 times).
            Thread.yield();
        }
        notifyListeners(taken.snapshot());
        return taken.snapshot();
    }

    /** Content index entries a snapshot binds in its own commit when they are no more. */
    private static final int IN_COMMIT = 256;

    /** A committed snapshot and the content index entries still to bind to it. */
    private record Taken(Snapshot snapshot, PendingIndex index, int boundParts) {}

    /** A snapshot that records a second parent (a merge commit), committed under the monitor. */
    Snapshot snapshot(String volume, String tag, UUID mergeParent) {
        checkTag(tag);
        return tx.mutate(
                e -> {
                    PoolState.SnapRec rec = takeSnapshot(e, volume, tag, mergeParent);
                    PendingIndex index = PendingIndex.take(e, volume, rec);
                    index.apply(e, 0, index.parts());
                    e.commit();
                    Snapshot snap = toSnapshot(rec);
                    notifyListeners(snap);
                    return snap;
                });
    }

    private static void checkTag(String tag) {
        if (tag != null) {
            checkName("Tag", tag);
        }
    }

    /** Adds a snapshot of a volume to the open transaction. */
    private static PoolState.SnapRec takeSnapshot(
            Engine e, String volume, String tag, UUID mergeParent) {
        PoolState.VolumeRec v = e.volume(volume);
        if (tag != null) {
            for (PoolState.SnapRec s : e.state.snapshots.values()) {
                if (tag.equals(s.tag()) && s.volume().equals(volume)) {
                    throw new InvalidArgumentException(
                            "Volume '"
                                    + volume
                                    + "' already has a snapshot tagged '"
                                    + tag
                                    + "': "
                                    + s.id());
                }
            }
        }
        UUID id = UUID.randomUUID();
        if (v.root() != 0) {
            e.store.incRef(v.root());
        }
        PoolState.SnapRec rec =
                new PoolState.SnapRec(
                        id,
                        v.base(),
                        mergeParent,
                        v.name(),
                        v.id(),
                        e.state.seq + 1,
                        System.currentTimeMillis(),
                        tag,
                        v.size(),
                        v.root(),
                        e.rootHash(v.root(), v.size()));
        e.state.putSnapshot(rec);
        e.state.putVolume(v.withBase(id));
        return rec;
    }

    /** Creates a writable volume that starts as an O(1) copy of a snapshot. */
    public Volume clone(UUID snapshotId, String newName) {
        checkName("Volume name", newName);
        return tx.mutate(
                e -> {
                    PoolState.SnapRec s = e.snapshot(snapshotId);
                    if (e.state.volumes.containsKey(newName)) {
                        throw new InvalidArgumentException(
                                "A volume named '" + newName + "' exists already");
                    }
                    if (s.root() != 0) {
                        e.store.incRef(s.root());
                    }
                    e.state.putVolume(
                            new PoolState.VolumeRec(
                                    newName,
                                    UUID.randomUUID(),
                                    s.size(),
                                    s.root(),
                                    s.id(),
                                    System.currentTimeMillis()));
                    e.commit();
                    return new Volume(this, newName);
                });
    }

    /**
     * Finds a snapshot by full UUID, unique UUID prefix, or {@code NAME@TAG}.
     *
     * @throws NotFoundException when nothing matches
     * @throws InvalidArgumentException when a prefix matches more than one snapshot
     */
    public Snapshot resolveSnapshot(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidArgumentException("Empty snapshot name");
        }
        return tx.snapshotQuery(
                e -> {
                    int at = spec.indexOf('@');
                    if (at >= 0) {
                        String vol = spec.substring(0, at);
                        String tag = spec.substring(at + 1);
                        for (PoolState.SnapRec s : e.state.snapshots.values()) {
                            if (vol.equals(s.volume()) && tag.equals(s.tag())) {
                                return toSnapshot(s);
                            }
                        }
                        throw new NotFoundException("No snapshot tagged '" + spec + "' in " + dir);
                    }
                    String p = spec.toLowerCase(java.util.Locale.ROOT);
                    List<PoolState.SnapRec> hits = new ArrayList<>();
                    for (PoolState.SnapRec s : e.state.snapshots.values()) {
                        if (s.id().toString().startsWith(p)) {
                            hits.add(s);
                        }
                    }
                    if (hits.isEmpty()) {
                        throw new NotFoundException("No snapshot matches '" + spec + "' in " + dir);
                    }
                    if (hits.size() > 1) {
                        throw new InvalidArgumentException(
                                "Snapshot prefix '"
                                        + spec
                                        + "' is ambiguous: it matches "
                                        + hits.size()
                                        + " snapshots");
                    }
                    return toSnapshot(hits.get(0));
                });
    }

    public Optional<Snapshot> findSnapshot(UUID id) {
        return tx.snapshotQuery(
                e -> Optional.ofNullable(e.state.snapshots.get(id)).map(this::toSnapshot));
    }

    /** All snapshots, oldest first (by generation). */
    public List<Snapshot> snapshots() {
        return tx.snapshotQuery(
                e -> {
                    List<Snapshot> out = new ArrayList<>();
                    for (PoolState.SnapRec s : e.state.snapshots.values()) {
                        out.add(toSnapshot(s));
                    }
                    out.sort(Comparator.comparingLong(Snapshot::generation));
                    return out;
                });
    }

    /**
     * The lineage of a snapshot, newest first: it, its parent, its parent's parent... It stops at a
     * first snapshot or at a parent that is no longer in the pool.
     */
    public List<Snapshot> lineage(UUID snapshotId) {
        return tx.snapshotQuery(
                e -> {
                    List<Snapshot> out = new ArrayList<>();
                    PoolState.SnapRec s = e.snapshot(snapshotId);
                    while (s != null && out.size() <= e.state.snapshots.size()) {
                        out.add(toSnapshot(s));
                        s = s.parent() == null ? null : e.state.snapshots.get(s.parent());
                    }
                    return out;
                });
    }

    /** Deletes a volume; space nothing else references is freed. */
    public void deleteVolume(String name) {
        tx.mutate(
                e -> {
                    PoolState.VolumeRec v = e.volume(name);
                    leases.checkFree(Leases.volume(name), "Volume '" + name + "'", "deleted");
                    if (v.root() != 0) {
                        e.store.decRef(v.root());
                    }
                    e.state.removeVolume(name);
                    e.pendingIndex.remove(name);
                    e.commitReclaiming();
                    return null;
                });
    }

    /** Deletes a snapshot; space nothing else references is freed. */
    public void deleteSnapshot(UUID id) {
        tx.mutate(
                e -> {
                    PoolState.SnapRec s = e.snapshot(id);
                    leases.checkFree(Leases.snapshot(id), "Snapshot " + id, "deleted");
                    if (s.root() != 0) {
                        e.store.decRef(s.root());
                    }
                    e.state.removeSnapshot(id);
                    e.state.unindexSnapshot(id);
                    e.commitReclaiming();
                    return null;
                });
    }

    // ---------------------------------------------------------------- lineage

    /**
     * Replays the changes a volume made since its base snapshot onto another snapshot, which
     * becomes its new base (like {@code git rebase --onto}). Data is shared, not copied.
     */
    public MergeResult rebase(String volume, UUID onto) {
        return tx.mutate(
                e -> {
                    leases.checkFree(Leases.volume(volume), "Volume '" + volume + "'", "rebased");
                    Lineage.Outcome o = new Lineage(e).rebase(volume, onto);
                    e.commit();
                    return new MergeResult(
                            Optional.ofNullable(o.ancestor()).map(this::toSnapshot),
                            o.applied(),
                            o.conflicts(),
                            Optional.empty());
                });
    }

    /**
     * Three-way merge of a snapshot into a volume at block-range granularity against their nearest
     * common ancestor: ranges changed on one side only are taken; ranges changed differently on
     * both are conflicts, resolved by {@code strategy} ({@link MergeStrategy#FAIL} throws {@link
     * MergeConflictException} and changes nothing). Ends with a merge commit: a snapshot whose
     * parents are the volume's base and {@code other}.
     */
    public MergeResult merge(String volume, UUID other, MergeStrategy strategy, String tag) {
        if (tag != null) {
            checkName("Tag", tag);
        }
        return tx.mutate(
                e -> {
                    leases.checkFree(
                            Leases.volume(volume), "Volume '" + volume + "'", "merged into");
                    Lineage.Outcome o = new Lineage(e).merge(volume, other, strategy);
                    Snapshot commit = snapshot(volume, tag, other);
                    return new MergeResult(
                            Optional.ofNullable(o.ancestor()).map(this::toSnapshot),
                            o.applied(),
                            o.conflicts(),
                            Optional.of(commit));
                });
    }

    // ---------------------------------------------------------------- content

    /** The changed block ranges from {@code from} to {@code to}, visiting only modified nodes. */
    public SnapshotDiff diff(UUID from, UUID to) {
        return tx.snapshotQuery(
                e -> {
                    PoolState.SnapRec a = e.snapshot(from);
                    PoolState.SnapRec b = e.snapshot(to);
                    if (a.size() != b.size()) {
                        throw new InvalidArgumentException(
                                "Cannot diff snapshots of different sizes: "
                                        + a.size()
                                        + " and "
                                        + b.size()
                                        + " bytes");
                    }
                    Differ d = new Differ(e.store);
                    List<SnapshotDiff.ChangedRange> ranges = d.diff(a.root(), b.root());
                    return new SnapshotDiff(toSnapshot(a), toSnapshot(b), ranges, d.nodesVisited());
                });
    }

    /** The changes of a snapshot against an empty volume (for a first exo-clone). */
    public SnapshotDiff diffFromEmpty(UUID to) {
        return tx.snapshotQuery(
                e -> {
                    PoolState.SnapRec b = e.snapshot(to);
                    Differ d = new Differ(e.store);
                    List<SnapshotDiff.ChangedRange> ranges = d.diff(0, b.root());
                    return new SnapshotDiff(null, toSnapshot(b), ranges, d.nodesVisited());
                });
    }

    /** Reads {@code length} bytes of a snapshot's image; unwritten ranges read as zeros. */
    public byte[] read(UUID snapshotId, long offset, int length) {
        return tx.snapshotQuery(
                e -> {
                    PoolState.SnapRec s = e.snapshot(snapshotId);
                    return e.read(s.root(), s.size(), offset, length);
                });
    }

    /**
     * Like {@link #read(UUID, long, int)}, but every extent read is checked against its content
     * hash: damaged storage throws {@link CorruptDataException} instead of returning wrong bytes.
     */
    public byte[] readVerified(UUID snapshotId, long offset, int length) {
        return tx.snapshotQuery(
                e -> {
                    PoolState.SnapRec s = e.snapshot(snapshotId);
                    return e.read(s.root(), s.size(), offset, length, true);
                });
    }

    /** The extents of a snapshot intersecting blocks {@code [startBlock, endBlock)}, in order. */
    public List<Extent> extents(UUID snapshotId, long startBlock, long endBlock) {
        return tx.snapshotQuery(
                e -> {
                    PoolState.SnapRec s = e.snapshot(snapshotId);
                    List<Extent> out = new ArrayList<>();
                    e.tree.scan(s.root(), startBlock, endBlock, x -> out.add(x.toExtent()));
                    return out;
                });
    }

    // ---------------------------------------------------------------- exo-clones

    /**
     * Plans the export of a snapshot as an exo-clone: its change against its parent (or its whole
     * image when it has none), found by diff, with repeats and content already in the parent's
     * lineage as dedup references.
     */
    public ExportPlan exportPlan(UUID snapshotId) {
        return tx.snapshotQuery(e -> new Exchange(e).plan(snapshotId, null, this::toSnapshot));
    }

    /**
     * Plans an exo-clone of a snapshot against another base than its parent (for example an older
     * ancestor that a replica already has: a fast-forward). The file names {@code base} as its
     * parent.
     */
    public ExportPlan exportPlan(UUID snapshotId, UUID base) {
        return tx.snapshotQuery(e -> new Exchange(e).plan(snapshotId, base, this::toSnapshot));
    }

    /**
     * Imports an exo-clone's change as a new snapshot with the exo-clone's UUID, on top of its
     * parent. Nothing becomes visible unless every range applies and the rebuilt volume has the
     * request's Merkle root; importing a UUID already present is a no-op that returns it.
     *
     * @throws NotFoundException when the parent or a dedup source is missing
     * @throws CorruptDataException when data does not match its hash or the root differs
     */
    public Snapshot importSnapshot(ImportRequest request, java.util.Iterator<ChangeRange> ranges) {
        return tx.mutate(
                e -> {
                    PoolState.SnapRec existing = e.state.snapshots.get(request.id());
                    if (existing != null) {
                        return toSnapshot(existing);
                    }
                    e.commit(); // apply the import as a transaction of its own
                    try {
                        PoolState.SnapRec rec = new Exchange(e).importSnapshot(request, ranges);
                        e.commit();
                        Snapshot snap = toSnapshot(rec);
                        notifyListeners(snap);
                        return snap;
                    } catch (InvalidArgumentException | NotFoundException bad) {
                        // Validation failed half-way: drop the transaction, keep the pool as is.
                        tx.reload();
                        throw bad;
                    }
                });
    }

    /**
     * Takes a file into the pool for an import, so that what is verified and adopted is the pool's
     * own and nobody else can change it afterwards (see {@link StagedFile}). With {@code move} the
     * file is renamed into the pool when it is on the pool's file system and has no other name
     * (zero-copy; the pool takes it over), else copied and removed once an import adopted it.
     * Without, it is cloned (a reflink: no copy, where the file system supports it) or copied.
     *
     * @throws InvalidArgumentException when {@code file} is not a regular file
     */
    public StagedFile stage(java.nio.file.Path file, boolean move) {
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file)) {
                throw new NotFoundException("No file " + file);
            }
            throw new InvalidArgumentException("Cannot import " + file + ": not a regular file");
        }
        Staging staging;
        synchronized (this) {
            staging = tx.engine().staging;
        }
        try {
            return staging.take(file, move);
        } catch (IOException e) {
            throw new ExocloneException("Cannot take " + file + " into pool " + dir + ": " + e, e);
        }
    }

    /** Copies a stream (for example stdin) into the pool for an import. */
    public StagedFile stage(java.io.InputStream in) {
        Staging staging;
        synchronized (this) {
            staging = tx.engine().staging;
        }
        try {
            return staging.take(in);
        } catch (IOException e) {
            throw new ExocloneException("Cannot copy a stream into pool " + dir + ": " + e, e);
        }
    }

    /**
     * The modified leaves of a snapshot against its parent (or of its whole tree when it has none),
     * with their changed ranges: what the change feed publishes.
     */
    public SnapshotChanges changes(UUID snapshotId) {
        return tx.snapshotQuery(e -> new Exchange(e).changes(snapshotId, this::toSnapshot));
    }

    /** Registers a listener told about every snapshot after it is durable. */
    public void addChangeListener(ChangeListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    public void removeChangeListener(ChangeListener listener) {
        listeners.remove(listener);
    }

    private void notifyListeners(Snapshot s) {
        for (ChangeListener l : listeners) {
            try {
                l.snapshotCommitted(s);
            } catch (RuntimeException ex) {
                // A listener's failure must not undo or hide a durable snapshot.
                System.getLogger(Pool.class.getName())
                        .log(System.Logger.Level.WARNING, "Change listener failed for " + s, ex);
            }
        }
    }

    /** A durable setting of the pool (for example a consumer's cursor), or empty. */
    public Optional<String> property(String key) {
        return tx.query(e -> Optional.ofNullable(e.state.properties.get(key)));
    }

    /** Sets (or, with null, removes) a durable setting; committed before this returns. */
    public void setProperty(String key, String value) {
        if (key == null || key.isEmpty() || key.length() > 256) {
            throw new InvalidArgumentException("Property key must be 1-256 characters: " + key);
        }
        tx.mutate(
                e -> {
                    e.state.setProperty(key, value);
                    e.commit();
                    return null;
                });
    }

    // ---------------------------------------------------------------- leases

    /**
     * Marks a volume as in use by {@code holder} (for example "NBD connection 127.0.0.1:40312"):
     * until the lease is closed, deleting, rebasing or merging into the volume fails with {@link
     * InUseException}. Writes, snapshots and clones are not affected. Leases are not durable.
     *
     * @throws NotFoundException when there is no such volume
     */
    public Lease leaseVolume(String name, String holder) {
        return tx.query(
                e -> {
                    e.volume(name);
                    return leases.add(Leases.volume(name), holder);
                });
    }

    /**
     * Marks a snapshot as in use by {@code holder}: until the lease is closed, deleting it fails
     * with {@link InUseException}.
     *
     * @throws NotFoundException when there is no such snapshot
     */
    public Lease leaseSnapshot(UUID id, String holder) {
        return tx.snapshotQuery(
                e -> {
                    e.snapshot(id);
                    return leases.add(Leases.snapshot(id), holder);
                });
    }

    /** A use of a volume or snapshot from outside the pool; closing it twice is harmless. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    // ---------------------------------------------------------------- maintenance

    /** Space accounting for every volume and snapshot. */
    public PoolStats stat() {
        return tx.query(e -> new SpaceAccounting(e).run());
    }

    /** Verifies every invariant of the pool and re-hashes all data. Never modifies it. */
    public CheckReport check() {
        return check(true);
    }

    /** Verifies every invariant; {@code verifyData} also re-hashes every extent's bytes. */
    public CheckReport check(boolean verifyData) {
        return tx.query(e -> new Checker(e, verifyData).run());
    }

    /** Makes every write so far durable (a group commit). */
    public void sync() {
        tx.throwGroupCommitFailure();
        tx.sync();
    }

    /**
     * Makes the data written so far durable without committing it: fsyncs the data segments written
     * since the last commit, holding the pool's monitor only to list them, so reads and writes go
     * on meanwhile. The commit that follows then has less data left to sync (commits do their
     * fsyncs outside the monitor too; this only shortens them). Commits are correct without it. If
     * an fsync fails, the open transaction is discarded (as by a failed commit, counted in {@link
     * #resets()}): the data may not be on disk, and a later fsync of the same file could report
     * success.
     */
    public void syncData() {
        if (!options.fsync() || Thread.holdsLock(this)) {
            return; // under the monitor it would only make everyone wait; the commit syncs
        }
        List<FileLayer.Handle> files = tx.query(e -> e.segments.touchedHandles());
        for (FileLayer.Handle h : files) {
            try {
                h.force();
            } catch (java.nio.channels.ClosedChannelException e) {
                // the segment was deleted, or the engine reloaded: nothing to make durable
            } catch (IOException e) {
                tx.mutate(
                        x -> {
                            throw new IOException("fsync of written data failed: " + e, e);
                        });
            }
        }
    }

    /**
     * Reclaims space: cuts dead tails off segments and punches holes in dead ranges of every
     * segment, the open one included ({@code fallocate --punch-hole} where the file system has it),
     * rewrites the live data of segments less than half used so they can be deleted, cuts back what
     * crashes left past committed lengths, and takes the space reserve back. Runs on a full file
     * system (the reserve lets its commits through).
     *
     * @return bytes given back to the file system (measured with {@code du} where available), net
     *     of bytes copied
     */
    public long compact() {
        return tx.mutate(
                e -> {
                    long before = NativeFiles.allocatedBytes(e.dir.resolve(Engine.SEGMENTS));
                    e.commitReclaiming();
                    Reclaimer r = new Reclaimer(e);
                    r.run();
                    long copied = new Compactor(e).run(0.5, e.reserve.spare());
                    e.commitReclaiming();
                    e.reserve.hold();
                    long after = NativeFiles.allocatedBytes(e.dir.resolve(Engine.SEGMENTS));
                    return before >= 0 && after >= 0
                            ? Math.max(0, before - after)
                            : r.trimmedBytes + r.punchedBytes + r.leakedBytes + copied;
                });
    }

    /**
     * How many times the open transaction was discarded because an operation failed (the pool then
     * reloads its last commit). A client that wrote since its last {@link #sync()} and sees this
     * number change has lost those writes, and must not report them durable.
     */
    public long resets() {
        return tx.resets();
    }

    /** The generation of the last commit. */
    public long generation() {
        return tx.query(Engine::generation);
    }

    /** Commits pending writes and releases the lock. */
    @Override
    public synchronized void close() {
        if (!tx.close()) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            // released when the channel closes
        } finally {
            Engine.closeQuietly(lockChannel);
        }
    }
}

package io.exoclone.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The open state of a pool and its write path. Not thread-safe: {@link Pool} serializes calls. On a
 * failed commit the owner discards this object and loads a fresh one from disk.
 */
final class Engine {
    static final int BS = Pool.BLOCK_SIZE;

    /** Longest extent, in blocks: bounds the re-hash cost when a write splits an extent. */
    static final int MAX_EXTENT_BLOCKS = 16;

    static final String SUPERBLOCK = "superblock";
    static final String NODES = "nodes.dat";
    static final String SEGMENTS = "segments";
    private static final byte[] ZERO_BLOCK = new byte[BS];

    final Path dir;
    final FileLayer layer;
    final PoolOptions options;
    final PoolState state;
    final NodeStore store;
    final BTree tree;
    final Segments segments;
    final Staging staging;
    final Reserve reserve;
    final Committer committer;
    private long pendingBytes;
    private final ByteBuffer pieceBuffer = ByteBuffer.allocate(MAX_EXTENT_BLOCKS * BS);
    private final List<Runnable> afterCommit = new ArrayList<>();

    /**
     * Extents written per volume since its last snapshot (lba, blocks by content hash), indexed
     * when it is taken. The write path drops an entry when it removes its extent, so what is left
     * is in the volume's tree; after an operation that replaces a tree wholesale, the volume is in
     * {@link #pendingUnverified} and its entries are looked up in the snapshot instead.
     */
    final java.util.Map<String, Hash128Shards> pendingIndex = new java.util.HashMap<>();

    /** Volumes whose {@link #pendingIndex} entries must be checked against the tree. */
    final java.util.Set<String> pendingUnverified = new java.util.HashSet<>();

    private Engine(
            Path dir,
            FileLayer layer,
            PoolOptions options,
            PoolState state,
            FileLayer.Handle superFile,
            FileLayer.Handle nodesFile,
            FileLayer.Handle log,
            long logId,
            long logLength) {
        this.dir = dir;
        this.layer = layer;
        this.options = options;
        this.state = state;
        this.committer = new Committer(this, superFile, log, logId, logLength);
        this.store = new NodeStore(nodesFile, dir.resolve(NODES).toString(), state);
        this.tree = new BTree(store, state);
        this.segments = new Segments(dir.resolve(SEGMENTS), layer, state, options.segmentSize());
        this.staging = new Staging(dir, layer);
        this.reserve = new Reserve(dir, layer, options.reserveBytes());
    }

    /** Writes the files of an empty pool. */
    static void format(Path dir, FileLayer layer, PoolOptions options) throws IOException {
        layer.createDirectories(dir.resolve(SEGMENTS));
        PoolState s = new PoolState();
        s.currentSegment = 1;
        s.segments.put(1, 0L);
        s.nextPageId = 1; // page 0 is never used: a root of 0 means an empty tree
        layer.open(dir.resolve(SEGMENTS).resolve(Segments.fileName(1)), true).close();
        try (FileLayer.Handle nodes = layer.open(dir.resolve(NODES), true)) {
            if (options.fsync()) {
                nodes.force();
            }
        }
        ByteBuffer rec = MetaLog.encode(s, 0, true);
        long len = rec.remaining();
        try (FileLayer.Handle log = layer.open(dir.resolve(MetaLog.fileName(1)), true)) {
            log.write(rec, 0);
            if (options.fsync()) {
                log.force();
            }
        }
        try (FileLayer.Handle sb = layer.open(dir.resolve(SUPERBLOCK), true)) {
            new Superblock(0, 1, 1, len, 1, 0).write(sb, options.fsync());
            // Slot 1 stays zero (invalid) until the first commit.
            sb.write(ByteBuffer.allocate(Superblock.SLOT_SIZE), Superblock.SLOT_SIZE);
            if (options.fsync()) {
                sb.force();
            }
        }
        if (options.fsync()) {
            layer.syncDirectory(dir.resolve(SEGMENTS));
            layer.syncDirectory(dir);
        }
    }

    /** Loads the last committed state, cutting off anything a crash left past it. */
    static Engine load(Path dir, FileLayer layer, PoolOptions options) throws IOException {
        if (!layer.exists(dir.resolve(SUPERBLOCK))) {
            throw new NotFoundException("No exoclone pool at " + dir + " (no superblock file)");
        }
        FileLayer.Handle superFile = layer.open(dir.resolve(SUPERBLOCK), false);
        FileLayer.Handle nodes = null;
        FileLayer.Handle log = null;
        try {
            Superblock sb = Superblock.readNewest(superFile, dir.resolve(SUPERBLOCK).toString());
            PoolState state = new PoolState();
            Path logPath = dir.resolve(MetaLog.fileName(sb.logId()));
            if (!layer.exists(logPath)) {
                throw new CorruptDataException(logPath.toString(), 0, "the metadata log to exist");
            }
            log = layer.open(logPath, false);
            MetaLog.replay(log, logPath.toString(), sb.logLength(), state);
            if (state.seq != sb.seq()) {
                throw new CorruptDataException(
                        logPath.toString(),
                        sb.logLength(),
                        "last record of commit " + sb.seq() + ", found " + state.seq);
            }
            nodes = layer.open(dir.resolve(NODES), false);
            Engine e =
                    new Engine(
                            dir,
                            layer,
                            options,
                            state,
                            superFile,
                            nodes,
                            log,
                            sb.logId(),
                            sb.logLength());
            e.recoverTails(sb, log);
            return e;
        } catch (IOException | RuntimeException ex) {
            closeQuietly(superFile);
            closeQuietly(nodes);
            closeQuietly(log);
            throw ex;
        }
    }

    private void recoverTails(Superblock sb, FileLayer.Handle log) throws IOException {
        if (log.size() > sb.logLength()) {
            log.truncate(sb.logLength());
        }
        for (var seg : state.segments.entrySet()) {
            if (seg.getKey() == state.currentSegment) {
                segments.truncateTo(seg.getKey(), seg.getValue());
            }
        }
        // Files a crashed transaction started but never committed.
        for (Path p : layer.list(dir.resolve(SEGMENTS))) {
            String n = p.getFileName().toString();
            if (n.startsWith("seg-") && n.endsWith(".dat")) {
                int id = Integer.parseInt(n.substring(4, n.length() - 4));
                if (!state.segments.containsKey(id)) {
                    layer.delete(p);
                }
            }
        }
        for (Path p : layer.list(dir)) {
            String n = p.getFileName().toString();
            if (n.startsWith("meta-") && !n.equals(MetaLog.fileName(sb.logId()))) {
                layer.delete(p);
            }
        }
    }

    // ---------------------------------------------------------------- catalog helpers

    PoolState.VolumeRec volume(String name) {
        PoolState.VolumeRec v = state.volumes.get(name);
        if (v == null) {
            throw new NotFoundException("No volume named '" + name + "' in pool " + dir);
        }
        return v;
    }

    PoolState.SnapRec snapshot(UUID id) {
        PoolState.SnapRec s = state.snapshots.get(id);
        if (s == null) {
            throw new NotFoundException("No snapshot " + id + " in pool " + dir);
        }
        return s;
    }

    // ---------------------------------------------------------------- write path

    /** Writes bytes at any offset and alignment (read-modify-write of partial edge blocks). */
    void write(String name, long offset, byte[] data, int from, int length) throws IOException {
        PoolState.VolumeRec v = volume(name);
        checkRange(v, offset, length);
        if (length == 0) {
            return;
        }
        long b0 = offset / BS;
        long b1 = (offset + length + BS - 1) / BS;
        int nblocks = Math.toIntExact(b1 - b0);
        if (offset % BS == 0 && length % BS == 0) {
            writeBlocks(v, b0, data, from, nblocks);
            return;
        }
        byte[] buf = new byte[nblocks * BS];
        if (offset % BS != 0) {
            readInto(v.root(), b0 * BS, buf, 0, BS);
        }
        if ((offset + length) % BS != 0 && (nblocks > 1 || offset % BS == 0)) {
            readInto(v.root(), (b1 - 1) * BS, buf, (nblocks - 1) * BS, BS);
        }
        System.arraycopy(data, from, buf, (int) (offset - b0 * BS), length);
        writeBlocks(v, b0, buf, 0, nblocks);
    }

    private void writeBlocks(PoolState.VolumeRec v, long startBlock, byte[] buf, int off, int n)
            throws IOException {
        long end = startBlock + n;
        // Cut the blocks into extents: runs of non-zero blocks, at most MAX_EXTENT_BLOCKS each.
        List<int[]> chunks = new ArrayList<>(); // {first block index, blocks}
        int i = 0;
        while (i < n) {
            if (isZero(buf, off + i * BS)) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < n && j - i < MAX_EXTENT_BLOCKS && !isZero(buf, off + j * BS)) {
                j++;
            }
            chunks.add(new int[] {i, j - i});
            i = j;
        }
        // The common overwrite, one extent inside one written extent, splits that extent and puts
        // the new one between its pieces in one rewrite of the tree's path; else punch, then
        // insert.
        LeafEntry around =
                chunks.size() == 1 && chunks.get(0)[1] == n
                        ? enclosing(v.root(), startBlock, end)
                        : null;
        long root = around != null ? v.root() : punch(v.root(), startBlock, end, v.name());
        // Hash on the hasher threads while this thread appends the data.
        List<java.util.concurrent.Future<byte[]>> hashes = new ArrayList<>(chunks.size());
        for (int[] c : chunks) {
            int pos = off + c[0] * BS;
            int len = c[1] * BS;
            hashes.add(
                    chunks.size() >= 4
                            ? Hashers.submit(() -> Hashing.sha256(buf, pos, len))
                            : java.util.concurrent.CompletableFuture.completedFuture(
                                    Hashing.sha256(buf, pos, len)));
        }
        long[] keys = new long[chunks.size()];
        int g = 0;
        while (g < chunks.size()) {
            // A group of chunks contiguous in the buffer goes down in one write.
            int h = g + 1;
            while (h < chunks.size()
                    && chunks.get(h)[0] == chunks.get(h - 1)[0] + chunks.get(h - 1)[1]) {
                h++;
            }
            int first = chunks.get(g)[0];
            int blocks = chunks.get(h - 1)[0] + chunks.get(h - 1)[1] - first;
            long key = segments.append(ByteBuffer.wrap(buf, off + first * BS, blocks * BS));
            for (int x = g; x < h; x++) {
                keys[x] = key + (chunks.get(x)[0] - first);
            }
            g = h;
        }
        for (int x = 0; x < chunks.size(); x++) {
            int[] c = chunks.get(x);
            byte[] hash = Hashers.join(hashes.get(x));
            state.createAlloc(keys[x], c[1]);
            int seg = LeafEntry.allocSegment(keys[x]);
            long start = LeafEntry.allocStart(keys[x]);
            LeafEntry e = new LeafEntry(startBlock + c[0], c[1], seg, start, start, hash);
            if (around != null) {
                List<LeafEntry> pieces = new ArrayList<>(3);
                if (around.lba() < startBlock) {
                    pieces.add(piece(around, around.lba(), startBlock));
                }
                pieces.add(e);
                if (around.end() > end) {
                    pieces.add(piece(around, end, around.end()));
                }
                root = tree.replace(root, around.lba(), pieces);
                unpend(v.name(), around);
            } else {
                root = tree.replace(root, -1, List.of(e));
            }
            pendingIndex
                    .computeIfAbsent(v.name(), y -> new Hash128Shards())
                    .putIfAbsent(
                            PoolState.HashKey.hi(hash), PoolState.HashKey.lo(hash), e.lba(), c[1]);
        }
        state.putVolume(v.withRoot(root));
        pendingBytes += (long) n * BS;
    }

    /** Discards a range; partial edge blocks are zeroed instead. */
    void trim(String name, long offset, long length) throws IOException {
        PoolState.VolumeRec v = volume(name);
        checkRange(v, offset, length);
        long end = offset + length;
        long b0 = (offset + BS - 1) / BS;
        long b1 = end / BS;
        if (offset % BS != 0) {
            int n = (int) Math.min(length, BS - offset % BS);
            write(name, offset, new byte[n], 0, n);
        }
        if (end % BS != 0 && end / BS >= b0) {
            int n = (int) (end % BS);
            write(name, end - n, new byte[n], 0, n);
        }
        if (b1 > b0) {
            v = volume(name);
            state.putVolume(v.withRoot(punch(v.root(), b0, b1, v.name())));
            pendingBytes += BS;
        }
    }

    /** The one extent that covers all of blocks {@code [s, e)}, or null. */
    private LeafEntry enclosing(long root, long s, long e) {
        if (root == 0) {
            return null;
        }
        List<LeafEntry> hit = tree.entries(root, s, e);
        if (hit.size() == 1 && hit.get(0).lba() <= s && hit.get(0).end() >= e) {
            return hit.get(0);
        }
        return null;
    }

    /** Unmaps blocks {@code [s, e)}, keeping the parts of extents outside it. */
    long punch(long root, long s, long e) throws IOException {
        return punch(root, s, e, null);
    }

    /** {@link #punch}; the extents it removes leave the pending index of volume {@code pending}. */
    private long punch(long root, long s, long e, String pending) throws IOException {
        for (LeafEntry ov : tree.entries(root, s, e)) {
            if (pending != null) {
                unpend(pending, ov);
            }
            List<LeafEntry> pieces = new ArrayList<>(2);
            if (ov.lba() < s) {
                pieces.add(piece(ov, ov.lba(), s));
            }
            if (ov.end() > e) {
                pieces.add(piece(ov, e, ov.end()));
            }
            root = tree.replace(root, ov.lba(), pieces);
        }
        return root;
    }

    /**
     * Whether the tree at {@code root} has an extent of exactly {@code [lba, lba + blocks)} with
     * content {@code hash}.
     */
    boolean holdsExtent(long root, long lba, int blocks, PoolState.HashKey hash) {
        for (LeafEntry le : tree.entries(root, lba, lba + blocks)) {
            if (le.lba() == lba
                    && le.blocks() == blocks
                    && le.hashHi() == hash.hi()
                    && le.hashLo() == hash.lo()) {
                return true;
            }
        }
        return false;
    }

    /** Drops a removed extent from its volume's pending index, if it is the one recorded there. */
    private void unpend(String volume, LeafEntry removed) {
        var pending = pendingIndex.get(volume);
        if (pending == null) {
            return;
        }
        long hi = removed.hashHi();
        Hash128Map t = pending.shardFor(hi);
        int at = t == null ? -1 : t.find(hi, removed.hashLo());
        if (at >= 0 && t.a(at) == removed.lba() && t.b(at) == removed.blocks()) {
            t.removeAt(at);
        }
    }

    /** The part {@code [a, b)} of an extent, with its content re-hashed. */
    LeafEntry piece(LeafEntry e, long a, long b) throws IOException {
        int k = Math.toIntExact(b - a);
        // Every 4 KiB overwrite re-reads up to 15 blocks: into one buffer, not a new one each time.
        ByteBuffer data =
                k <= MAX_EXTENT_BLOCKS ? pieceBuffer.clear() : ByteBuffer.allocate(k * BS);
        data.limit(k * BS);
        segments.read(e.segment(), e.physical(a), data);
        data.flip();
        return new LeafEntry(
                a, k, e.segment(), e.physical(a), e.allocBlock(), Hashing.sha256(data));
    }

    private static boolean isZero(byte[] buf, int pos) {
        return Arrays.mismatch(buf, pos, pos + BS, ZERO_BLOCK, 0, BS) < 0;
    }

    private void checkRange(PoolState.VolumeRec v, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > v.size() || offset + length < 0) {
            throw new InvalidArgumentException(
                    String.format(
                            "Range [%d, %d) is outside volume '%s' of %d bytes",
                            offset, offset + length, v.name(), v.size()));
        }
    }

    /** No group commit due. */
    static final int COMMIT_NOT_DUE = 0;

    /** The open transaction is big enough for a group commit. */
    static final int COMMIT_DUE = 1;

    /** Writes have outrun commits: the writer waits for one (bounds memory and replay). */
    static final int COMMIT_OVERDUE = 2;

    /**
     * Whether the writes of the open transaction call for a group commit. {@link Pool} runs it
     * after the write, outside its monitor.
     */
    int commitDue() {
        long limit = options.groupCommitBytes();
        int dirty = store.dirtyCount();
        if (pendingBytes >= 4 * limit || dirty > 4 * 16_384) {
            return COMMIT_OVERDUE;
        }
        return pendingBytes >= limit || dirty > 16_384 ? COMMIT_DUE : COMMIT_NOT_DUE;
    }

    // ---------------------------------------------------------------- read path

    /** Reads {@code len} bytes of the image under {@code root} into {@code out}. */
    void readInto(long root, long offset, byte[] out, int outOff, int len) throws IOException {
        readInto(root, offset, out, outOff, len, false);
    }

    /**
     * Reads {@code len} bytes of the image under {@code root}; with {@code verify}, every extent
     * touched is read whole and checked against its content hash first, so damaged storage is a
     * {@link CorruptDataException} naming the segment, never wrong bytes.
     */
    void readInto(long root, long offset, byte[] out, int outOff, int len, boolean verify)
            throws IOException {
        Arrays.fill(out, outOff, outOff + len, (byte) 0);
        if (len == 0) {
            return;
        }
        long b0 = offset / BS;
        long b1 = (offset + len + BS - 1) / BS;
        List<LeafEntry> extents = tree.entries(root, b0, b1);
        if (verify) {
            readVerified(extents, offset, out, outOff, len);
            return;
        }
        for (LeafEntry e : extents) {
            long from = Math.max(e.lba() * BS, offset);
            long to = Math.min(e.end() * BS, offset + len);
            long segPos = e.dataBlock() * BS + (from - e.lba() * BS);
            ByteBuffer dst =
                    ByteBuffer.wrap(out, outOff + (int) (from - offset), (int) (to - from));
            segments.readBytes(e.segment(), segPos, dst);
        }
    }

    /** Reads each extent whole, hashes them on the hasher threads, and copies what was asked. */
    private void readVerified(List<LeafEntry> extents, long offset, byte[] out, int outOff, int len)
            throws IOException {
        List<byte[]> whole = new ArrayList<>(extents.size());
        List<java.util.concurrent.Future<byte[]>> hashes = new ArrayList<>(extents.size());
        for (LeafEntry e : extents) {
            byte[] data = new byte[e.blocks() * BS];
            segments.read(e.segment(), e.dataBlock(), ByteBuffer.wrap(data));
            whole.add(data);
            hashes.add(
                    extents.size() >= 4
                            ? Hashers.submit(() -> Hashing.sha256(data, 0, data.length))
                            : java.util.concurrent.CompletableFuture.completedFuture(
                                    Hashing.sha256(data, 0, data.length)));
        }
        for (int i = 0; i < extents.size(); i++) {
            LeafEntry e = extents.get(i);
            if (!e.hashEquals(Hashers.join(hashes.get(i)))) {
                throw new CorruptDataException(
                        segments.path(e.segment()).toString(),
                        e.dataBlock() * BS,
                        String.format(
                                "%d bytes matching the SHA-256 %s of the extent at block %d",
                                e.blocks() * BS, Hex.encode(e.hash()), e.lba()));
            }
            long from = Math.max(e.lba() * BS, offset);
            long to = Math.min(e.end() * BS, offset + len);
            System.arraycopy(
                    whole.get(i),
                    (int) (from - e.lba() * BS),
                    out,
                    outOff + (int) (from - offset),
                    (int) (to - from));
        }
    }

    byte[] read(long root, long size, long offset, int length) {
        return read(root, size, offset, length, false);
    }

    byte[] read(long root, long size, long offset, int length, boolean verify) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new InvalidArgumentException(
                    String.format(
                            "Read [%d, %d) is outside an image of %d bytes",
                            offset, offset + (long) length, size));
        }
        byte[] out = new byte[length];
        try {
            readInto(root, offset, out, 0, length, verify);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    byte[] rootHash(long root, long size) {
        return Hashing.rootHash(size, tree.sum(root));
    }

    // ---------------------------------------------------------------- commit

    boolean hasPending() {
        return state.hasChanges() || store.hasDirty();
    }

    /**
     * Commits a transaction that frees space (a delete, a compaction): on a file system short of
     * space, the reserve is given up first so that this commit can be written.
     */
    void commitReclaiming() throws IOException {
        if (hasPending()) {
            reserve.releaseIfLow();
        }
        commit();
    }

    /** Runs after the next successful commit (for example deleting a file nothing names). */
    void afterCommit(Runnable r) {
        afterCommit.add(r);
    }

    /** The after-commit hooks of the open transaction, handed to the commit that freezes it. */
    List<Runnable> takeAfterCommitHooks() {
        List<Runnable> hooks = new ArrayList<>(afterCommit);
        afterCommit.clear();
        pendingBytes = 0;
        return hooks;
    }

    /**
     * Makes the open transaction durable (see {@link Committer}): throws, leaving the on-disk pool
     * at its previous commit, when any step before the superblock flip fails; throws {@link
     * CommitStateUnknownException} when the flip itself fails.
     */
    void commit() {
        committer.commit();
    }

    List<Integer> collectDeadSegments() {
        List<Integer> dead = new ArrayList<>();
        for (int seg : new ArrayList<>(state.segments.keySet())) {
            if (seg != state.currentSegment && state.segmentLive.getOrDefault(seg, 0L) <= 0) {
                state.removeSegment(seg);
                dead.add(seg);
            }
        }
        return dead;
    }

    /** The generation of the last durable commit. */
    long generation() {
        return committer.durableSeq();
    }

    void close() {
        committer.close();
        try {
            store.close();
            segments.close();
        } catch (IOException e) {
            // closing read/write handles after a commit loses nothing
        }
    }

    void deleteQuietly(Path p) {
        try {
            layer.delete(p);
        } catch (IOException e) {
            // removed at the next open
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing to do
            }
        }
    }
}

package io.exoclone.engine;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The metadata log: one record per commit with the catalog entries, reference counts and segment
 * lengths the commit changed. The first record of every log file is a full image of the state (a
 * checkpoint), so a pool opens by reading one file up to the length its superblock names.
 *
 * <p>Record framing: body length u32, CRC32C u32 of the body, body. Bytes past the committed length
 * (a torn append) are never read.
 */
final class MetaLog {
    static final int FRAME = 8;
    private static final int MAX_RECORD = 1 << 30;

    private MetaLog() {}

    static String fileName(long logId) {
        return String.format("meta-%08d.log", logId);
    }

    /** Encodes the changes noted in {@code s} (or, when {@code full}, everything) as a record. */
    static ByteBuffer encode(PoolState s, long seq, boolean full) {
        return freeze(s, seq, full).encode();
    }

    /**
     * Takes what a record of {@code s} needs, under the pool's monitor and in time proportional to
     * the catalog's changes, not to the reference counts: the open transaction's page and
     * allocation change logs are taken whole (the state starts new ones at {@link
     * PoolState#clearChanges}), and a full record copies the count tables as arrays. {@link
     * Frozen#encode} then builds the record without the monitor.
     */
    static Frozen freeze(PoolState s, long seq, boolean full) {
        RecordOut head = new RecordOut(256);
        head.writeLong(seq);
        head.writeBoolean(full);
        head.writeLong(s.nextPageId);
        head.writeInt(s.currentSegment);
        var volumeNames = full ? s.volumes.keySet() : s.dirtyVolumes;
        head.writeInt(volumeNames.size());
        for (String name : volumeNames) {
            PoolState.VolumeRec v = s.volumes.get(name);
            head.writeUTF(name);
            head.writeBoolean(v != null);
            if (v != null) {
                writeUuid(head, v.id());
                head.writeLong(v.size());
                head.writeLong(v.root());
                writeUuid(head, v.base());
                head.writeLong(v.createdMillis());
            }
        }
        var snapIds = full ? s.snapshots.keySet() : s.dirtySnapshots;
        head.writeInt(snapIds.size());
        for (UUID id : snapIds) {
            PoolState.SnapRec r = s.snapshots.get(id);
            writeUuid(head, id);
            head.writeBoolean(r != null);
            if (r != null) {
                writeUuid(head, r.parent());
                writeUuid(head, r.mergeParent());
                head.writeUTF(r.volume());
                writeUuid(head, r.volumeId());
                head.writeLong(r.generation());
                head.writeLong(r.createdMillis());
                head.writeBoolean(r.tag() != null);
                if (r.tag() != null) {
                    head.writeUTF(r.tag());
                }
                head.writeLong(r.size());
                head.writeLong(r.root());
                head.write(r.rootHash());
            }
        }

        RecordOut segments = new RecordOut(64);
        var segs = full ? s.segments.keySet() : s.dirtySegments;
        segments.writeInt(segs.size());
        for (int seg : segs) {
            Long len = s.segments.get(seg);
            segments.writeInt(seg);
            segments.writeLong(len == null ? -1 : len);
        }

        Frozen f = new Frozen(head.toByteArray(), segments.toByteArray(), full);
        if (full) {
            f.pageRefs = s.pageRefs.copy();
            f.allocs = s.allocs.copy();
            f.indexEntries = s.contentIndex.copy();
        } else {
            f.pageChanges = s.pageChanges;
            f.allocChanges = s.allocChanges;
            f.indexChanges = s.indexChanges;
        }

        RecordOut props = new RecordOut(64);
        var propKeys = full ? s.properties.keySet() : s.dirtyProperties;
        props.writeInt(propKeys.size());
        for (String k : propKeys) {
            String v = s.properties.get(k);
            props.writeUTF(k);
            props.writeBoolean(v != null);
            if (v != null) {
                props.writeUTF(v);
            }
        }
        f.props = props.toByteArray();
        return f;
    }

    /** One content index entry; a null snapshot records its removal. */
    private static void writeIndexEntry(
            RecordOut out, long hi, long lo, UUID snapshot, long lba, int blocks) {
        out.writeLong(hi);
        out.writeLong(lo);
        out.writeBoolean(snapshot != null);
        if (snapshot != null) {
            writeUuid(out, snapshot);
            out.writeLong(lba);
            out.writeInt(blocks);
        }
    }

    /**
     * A record taken by {@link #freeze}: the catalog parts already encoded, the reference counts as
     * change logs (or, in a full record, copies of the tables) to encode without the monitor.
     */
    static final class Frozen {
        private final byte[] head;
        private final byte[] segments;
        private final boolean full;
        private PairLog pageChanges;
        private PairLog allocChanges;
        private LongLongMap pageRefs;
        private LongLongMap allocs;
        private IndexLog indexChanges;
        private ContentIndex indexEntries;
        private byte[] props;

        private Frozen(byte[] head, byte[] segments, boolean full) {
            this.head = head;
            this.segments = segments;
            this.full = full;
        }

        /**
         * The framed record (length, CRC32C, body) in a buffer of its own. Needs no lock: it only
         * reads its own copies.
         */
        ByteBuffer encode() {
            return encode(new Scratch());
        }

        /**
         * The framed record (length, CRC32C, body), built in {@code scratch}'s buffer: valid until
         * that scratch is used again. Needs no lock: it only reads its own copies.
         */
        ByteBuffer encode(Scratch scratch) {
            RecordOut out = scratch.out;
            out.reset();
            out.writeLong(0); // the frame, filled in below
            out.write(head);
            RecordOut o = out;
            if (full) {
                out.ensure(12 * pageRefs.size() + 16 * allocs.size() + 64);
                out.writeInt(pageRefs.size());
                pageRefs.forEach(
                        (page, refs) -> {
                            o.writeLong(page);
                            o.writeInt((int) refs);
                        });
                out.writeInt(allocs.size());
                allocs.forEach(
                        (key, a) -> {
                            o.writeLong(key);
                            o.writeInt(PoolState.allocBlocks(a));
                            o.writeInt(PoolState.allocRefs(a));
                        });
                out.write(segments);
                out.writeInt(indexEntries.size());
                indexEntries.forEach(
                        (hi, lo, snapshot, lba, blocks) ->
                                writeIndexEntry(o, hi, lo, snapshot, lba, blocks));
            } else {
                out.ensure(
                        12 * pageChanges.size()
                                + 16 * allocChanges.size()
                                + segments.length
                                + 46 * indexChanges.size() // a new index entry's bytes
                                + props.length
                                + 16);
                int pagesAt = out.reserveInt();
                int pages =
                        pageChanges.forEachLast(
                                scratch.seen,
                                (page, refs) -> {
                                    o.writeLong(page);
                                    o.writeInt((int) refs);
                                });
                out.putIntAt(pagesAt, pages);
                int allocsAt = out.reserveInt();
                int allocCount =
                        allocChanges.forEachLast(
                                scratch.seen,
                                (key, a) -> {
                                    o.writeLong(key);
                                    o.writeInt((int) (a >>> 32));
                                    o.writeInt((int) a);
                                });
                out.putIntAt(allocsAt, allocCount);
                out.write(segments);
                // In the order made: replay applies them in turn, so the last one of a key wins.
                out.writeInt(indexChanges.size());
                indexChanges.forEach(
                        (hi, lo, snapshot, lba, blocks) ->
                                writeIndexEntry(o, hi, lo, snapshot, lba, blocks));
            }
            out.write(props);
            ByteBuffer rec = out.view();
            int bodyLength = rec.limit() - FRAME;
            CRC32C crc = new CRC32C();
            crc.update(rec.array(), FRAME, bodyLength);
            rec.putInt(0, bodyLength).putInt(4, (int) crc.getValue());
            return rec;
        }
    }

    /**
     * What encoding a record needs besides the record: its buffer and the set that keeps the last
     * change of each count. A committer keeps one for the next commit, so that a commit of
     * megabytes allocates no new arrays of that size (each of them, in G1, a humongous allocation
     * that starts a young collection while writers wait).
     */
    static final class Scratch {
        /** Buffers up to this size are kept for the next commit. */
        private static final int KEEP_BYTES = 16 << 20;

        final RecordOut out = new RecordOut(64 << 10);
        final PairLog.Seen seen = new PairLog.Seen();

        /** Whether this scratch is worth keeping after a commit (its buffer is not outsized). */
        boolean keep() {
            return out.capacity() <= KEEP_BYTES;
        }
    }

    /** Replays a whole log file (its committed prefix) into {@code s}. */
    static void replay(FileLayer.Handle file, String name, long length, PoolState s)
            throws IOException {
        long pos = 0;
        boolean first = true;
        while (pos < length) {
            if (length - pos < FRAME) {
                throw new CorruptDataException(name, pos, "a record frame of 8 bytes");
            }
            ByteBuffer frame = ByteBuffer.allocate(FRAME).order(ByteOrder.LITTLE_ENDIAN);
            if (file.read(frame, pos) != FRAME) {
                throw new CorruptDataException(
                        name,
                        pos,
                        "a record frame; the log ends before its committed length " + length);
            }
            frame.flip();
            int len = frame.getInt();
            int crc = frame.getInt();
            if (len < 0 || len > MAX_RECORD || pos + FRAME + len > length) {
                throw new CorruptDataException(
                        name, pos, "a record length within the committed log, got " + len);
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            if (file.read(body, pos + FRAME) != len) {
                throw new CorruptDataException(name, pos, len + " bytes of record body");
            }
            CRC32C c = new CRC32C();
            c.update(body.array());
            if ((int) c.getValue() != crc) {
                throw new CorruptDataException(name, pos, "a record with a valid CRC32C");
            }
            try {
                apply(body.array(), s, first);
            } catch (EOFException e) {
                throw new CorruptDataException(name, pos, "a complete record body");
            }
            first = false;
            pos += FRAME + len;
        }
        s.clearChanges();
        s.recomputeSegmentLive();
    }

    private static void apply(byte[] body, PoolState s, boolean mustBeFull) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        s.seq = in.readLong();
        boolean full = in.readBoolean();
        if (mustBeFull && !full) {
            throw new EOFException("first record is not a checkpoint");
        }
        if (full) {
            s.volumes.clear();
            s.snapshots.clear();
            s.pageRefs.clear();
            s.allocs.clear();
            s.segments.clear();
            s.contentIndex.clear();
            s.properties.clear();
        }
        s.nextPageId = in.readLong();
        s.currentSegment = in.readInt();
        int nv = in.readInt();
        for (int i = 0; i < nv; i++) {
            String name = in.readUTF();
            if (in.readBoolean()) {
                s.volumes.put(
                        name,
                        new PoolState.VolumeRec(
                                name,
                                readUuid(in),
                                in.readLong(),
                                in.readLong(),
                                readUuid(in),
                                in.readLong()));
            } else {
                s.volumes.remove(name);
            }
        }
        int ns = in.readInt();
        for (int i = 0; i < ns; i++) {
            UUID id = readUuid(in);
            if (in.readBoolean()) {
                UUID parent = readUuid(in);
                UUID merge = readUuid(in);
                String volume = in.readUTF();
                UUID volumeId = readUuid(in);
                long gen = in.readLong();
                long created = in.readLong();
                String tag = in.readBoolean() ? in.readUTF() : null;
                long size = in.readLong();
                long root = in.readLong();
                byte[] hash = new byte[Hashing.HASH_BYTES];
                in.readFully(hash);
                s.snapshots.put(
                        id,
                        new PoolState.SnapRec(
                                id, parent, merge, volume, volumeId, gen, created, tag, size, root,
                                hash));
            } else {
                s.snapshots.remove(id);
            }
        }
        int np = in.readInt();
        for (int i = 0; i < np; i++) {
            long page = in.readLong();
            int refs = in.readInt();
            if (refs == 0) {
                s.pageRefs.remove(page);
            } else {
                s.pageRefs.put(page, refs);
            }
        }
        int na = in.readInt();
        for (int i = 0; i < na; i++) {
            long key = in.readLong();
            int blocks = in.readInt();
            int refs = in.readInt();
            if (refs == 0) {
                s.allocs.remove(key);
            } else {
                s.allocs.put(key, PoolState.allocValue(blocks, refs));
            }
        }
        int nseg = in.readInt();
        for (int i = 0; i < nseg; i++) {
            int seg = in.readInt();
            long len = in.readLong();
            if (len < 0) {
                s.segments.remove(seg);
            } else {
                s.segments.put(seg, len);
            }
        }
        int ni = in.readInt();
        for (int i = 0; i < ni; i++) {
            PoolState.HashKey k = new PoolState.HashKey(in.readLong(), in.readLong());
            if (in.readBoolean()) {
                s.contentIndex.put(
                        k, new PoolState.IndexEntry(readUuid(in), in.readLong(), in.readInt()));
            } else {
                s.contentIndex.remove(k);
            }
        }
        int nprops = in.readInt();
        for (int i = 0; i < nprops; i++) {
            String k = in.readUTF();
            if (in.readBoolean()) {
                s.properties.put(k, in.readUTF());
            } else {
                s.properties.remove(k);
            }
        }
    }

    private static void writeUuid(RecordOut out, UUID id) {
        out.writeBoolean(id != null);
        if (id != null) {
            out.writeLong(id.getMostSignificantBits());
            out.writeLong(id.getLeastSignificantBits());
        }
    }

    private static UUID readUuid(DataInputStream in) throws IOException {
        return in.readBoolean() ? new UUID(in.readLong(), in.readLong()) : null;
    }
}

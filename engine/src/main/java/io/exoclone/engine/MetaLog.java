package io.exoclone.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(seq);
            out.writeBoolean(full);
            out.writeLong(s.nextPageId);
            out.writeInt(s.currentSegment);

            var volumeNames = full ? s.volumes.keySet() : s.dirtyVolumes;
            out.writeInt(volumeNames.size());
            for (String name : volumeNames) {
                PoolState.VolumeRec v = s.volumes.get(name);
                out.writeUTF(name);
                out.writeBoolean(v != null);
                if (v != null) {
                    writeUuid(out, v.id());
                    out.writeLong(v.size());
                    out.writeLong(v.root());
                    writeUuid(out, v.base());
                    out.writeLong(v.createdMillis());
                }
            }
            var snapIds = full ? s.snapshots.keySet() : s.dirtySnapshots;
            out.writeInt(snapIds.size());
            for (UUID id : snapIds) {
                PoolState.SnapRec r = s.snapshots.get(id);
                writeUuid(out, id);
                out.writeBoolean(r != null);
                if (r != null) {
                    writeUuid(out, r.parent());
                    writeUuid(out, r.mergeParent());
                    out.writeUTF(r.volume());
                    writeUuid(out, r.volumeId());
                    out.writeLong(r.generation());
                    out.writeLong(r.createdMillis());
                    out.writeBoolean(r.tag() != null);
                    if (r.tag() != null) {
                        out.writeUTF(r.tag());
                    }
                    out.writeLong(r.size());
                    out.writeLong(r.root());
                    out.write(r.rootHash());
                }
            }
            var pages = full ? s.pageRefs.keySet() : s.dirtyPages;
            out.writeInt(pages.size());
            for (long page : pages) {
                out.writeLong(page);
                out.writeInt(s.pageRefs(page));
            }
            var allocKeys = full ? s.allocs.keySet() : s.dirtyAllocs;
            out.writeInt(allocKeys.size());
            for (long key : allocKeys) {
                PoolState.AllocRec a = s.allocs.get(key);
                out.writeLong(key);
                out.writeInt(a == null ? 0 : a.blocks());
                out.writeInt(a == null ? 0 : a.refs());
            }
            var segs = full ? s.segments.keySet() : s.dirtySegments;
            out.writeInt(segs.size());
            for (int seg : segs) {
                Long len = s.segments.get(seg);
                out.writeInt(seg);
                out.writeLong(len == null ? -1 : len);
            }
            var index = full ? s.contentIndex.keySet() : s.dirtyIndex;
            out.writeInt(index.size());
            for (PoolState.HashKey k : index) {
                PoolState.IndexEntry e = s.contentIndex.get(k);
                out.writeLong(k.hi());
                out.writeLong(k.lo());
                out.writeBoolean(e != null);
                if (e != null) {
                    writeUuid(out, e.snapshot());
                    out.writeLong(e.lba());
                    out.writeInt(e.blocks());
                }
            }
            var props = full ? s.properties.keySet() : s.dirtyProperties;
            out.writeInt(props.size());
            for (String k : props) {
                String v = s.properties.get(k);
                out.writeUTF(k);
                out.writeBoolean(v != null);
                if (v != null) {
                    out.writeUTF(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer rec = ByteBuffer.allocate(FRAME + body.length).order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt(body.length).putInt((int) crc.getValue()).put(body);
        rec.flip();
        return rec;
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
                s.allocs.put(key, new PoolState.AllocRec(blocks, refs));
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

    private static void writeUuid(DataOutputStream out, UUID id) throws IOException {
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

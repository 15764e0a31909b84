package io.exoclone.jobs.assemble;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.UUID;

/** Small builders of test input for the assemble operators. */
final class Chunks {
    static final int BS = 4096;
    static final String VOLUME = "00000000-0000-4000-8000-00000000000a";

    private Chunks() {}

    static byte[] block(int fill, int blocks) {
        byte[] b = new byte[blocks * BS];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Chunk data(UUID snapshot, long ordinal, long startBlock, byte[] data) {
        Chunk c = new Chunk();
        c.snapshotId = snapshot.toString();
        c.ordinal = ordinal;
        c.startBlock = startBlock;
        c.blocks = data.length / BS;
        c.kind = Chunk.DATA;
        c.data = data;
        c.contentHash = sha256(data);
        firstCarriesVolume(c);
        return c;
    }

    static Claim claim(UUID snapshot, long ordinal, long startBlock, byte[] data) {
        return Claim.of(data(snapshot, ordinal, startBlock, data));
    }

    static Verdict keep(UUID snapshot, long ordinal) {
        Verdict v = new Verdict();
        v.snapshotId = snapshot.toString();
        v.ordinal = ordinal;
        return v;
    }

    static Verdict dedup(UUID snapshot, long ordinal, UUID source, long offset) {
        Verdict v = keep(snapshot, ordinal);
        v.dedup = true;
        v.dedupSource = source.toString();
        v.dedupOffset = offset;
        return v;
    }

    static Chunk trim(UUID snapshot, long ordinal, long startBlock, int blocks) {
        Chunk c = new Chunk();
        c.snapshotId = snapshot.toString();
        c.ordinal = ordinal;
        c.startBlock = startBlock;
        c.blocks = blocks;
        c.kind = Chunk.TRIM;
        firstCarriesVolume(c);
        return c;
    }

    /** As the splitter does: chunk 0 carries the volume (and parent) for the assembler. */
    private static void firstCarriesVolume(Chunk c) {
        if (c.ordinal == 0) {
            c.volumeId = VOLUME;
        }
    }

    static RangePart part(long start, byte[] wholeData, int part, int parts) {
        RangePart p = new RangePart();
        p.startBlock = start;
        p.blocks = wholeData.length / BS;
        p.kind = RangePart.DATA;
        p.contentHash = sha256(wholeData);
        int step = wholeData.length / parts;
        p.data =
                Arrays.copyOfRange(
                        wholeData,
                        part * step,
                        part == parts - 1 ? wholeData.length : (part + 1) * step);
        p.part = part;
        p.parts = parts;
        p.dataOffset = part * step;
        return p;
    }

    static FeedEvent node(UUID snapshot, long sequence, RangePart... ranges) {
        FeedEvent e = new FeedEvent();
        e.volumeId = VOLUME;
        e.volumeName = "vol";
        e.snapshotId = snapshot.toString();
        e.sequence = sequence;
        e.ranges = ranges;
        e.topic = "t";
        return e;
    }

    static FeedEvent seal(UUID snapshot, long nodeChanges) {
        FeedEvent e = node(snapshot, -1);
        SealInfo s = new SealInfo();
        s.snapshotId = snapshot.toString();
        s.volumeId = e.volumeId;
        s.volumeName = e.volumeName;
        s.blockSize = BS;
        s.nodeChangeCount = nodeChanges;
        s.volumeSize = 1 << 20;
        s.rootHash = new byte[32];
        e.seal = s;
        return e;
    }
}

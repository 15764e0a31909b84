package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The commit point of a pool: two 4 KiB slots, written alternately, each checksummed. Opening takes
 * the valid slot with the higher sequence number; a torn write of one slot leaves the other.
 *
 * @param seq commit sequence number, also the generation of the state it describes
 * @param nextPageId first never-used node page id
 * @param logId metadata log file number ({@code meta-<logId>.log})
 * @param logLength committed bytes of that log
 * @param segment current data segment
 * @param segmentLength committed bytes of the current data segment
 */
record Superblock(
        long seq, long nextPageId, long logId, long logLength, int segment, long segmentLength) {
    static final int SLOT_SIZE = 4096;
    static final long MAGIC = 0x31525055534F5845L; // "EXOSUPR1" little-endian
    static final int VERSION = 1;
    private static final int BODY = 8 + 4 + 4 + 8 + 8 + 8 + 8 + 4 + 8;

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC).putInt(VERSION).putInt((int) (seq & 1));
        b.putLong(seq).putLong(nextPageId).putLong(logId).putLong(logLength);
        b.putInt(segment).putLong(segmentLength);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, BODY);
        b.putInt((int) crc.getValue());
        b.clear();
        return b;
    }

    /** Decodes one slot; null when it is not a valid superblock (torn, zeroed, wrong magic). */
    static Superblock decode(ByteBuffer slot) {
        if (slot.remaining() < BODY + 4) {
            return null;
        }
        ByteBuffer b = slot.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] body = new byte[BODY];
        b.get(body);
        int stored = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(body);
        if ((int) crc.getValue() != stored) {
            return null;
        }
        ByteBuffer d = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        if (d.getLong() != MAGIC) {
            return null;
        }
        int version = d.getInt();
        if (version != VERSION) {
            throw new ExocloneException(
                    "Pool superblock has version " + version + "; this exoclone reads " + VERSION);
        }
        d.getInt();
        return new Superblock(
                d.getLong(), d.getLong(), d.getLong(), d.getLong(), d.getInt(), d.getLong());
    }

    /** Reads both slots and returns the newest valid one. */
    static Superblock readNewest(FileLayer.Handle file, String name) throws IOException {
        Superblock best = null;
        for (int slot = 0; slot < 2; slot++) {
            ByteBuffer buf = ByteBuffer.allocate(SLOT_SIZE);
            file.read(buf, (long) slot * SLOT_SIZE);
            buf.flip();
            Superblock sb = decode(buf);
            if (sb != null && (best == null || sb.seq > best.seq)) {
                best = sb;
            }
        }
        if (best == null) {
            throw new CorruptDataException(name, 0, "a valid superblock in slot 0 or slot 1");
        }
        return best;
    }

    void write(FileLayer.Handle file, boolean fsync) throws IOException {
        file.write(encode(), (seq & 1) * SLOT_SIZE);
        if (fsync) {
            file.force();
        }
    }
}

package io.exoclone.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A B-tree node as held in memory, and its on-disk page encoding.
 *
 * <p>Page layout (4096 bytes, little-endian): magic u32, type u8 (1 leaf, 2 internal), level u8,
 * count u16, generation u64, page id u64, Merkle sum (32 bytes), CRC32C u32 of the page with this
 * field zeroed, reserved u32; then {@code count} entries. A leaf entry is {@link LeafEntry#BYTES}
 * bytes; an internal entry is key u64, child page u64, child sum (32 bytes).
 *
 * <p>Nodes read from disk are never modified; a node allocated by the open transaction ({@code
 * dirty}) may be.
 */
final class Node {
    static final int PAGE_SIZE = 4096;
    static final int HEADER = 64;
    static final int MAGIC = 0x444E5845; // "EXND"
    static final int INTERNAL_ENTRY = 8 + 8 + 32;
    static final int MAX_LEAF = (PAGE_SIZE - HEADER) / LeafEntry.BYTES;
    static final int MAX_INTERNAL = (PAGE_SIZE - HEADER) / INTERNAL_ENTRY;

    final long pageId;
    final int level; // 0 = leaf
    long generation;
    boolean dirty;
    final long[] sum;

    /** Leaf entries, sorted by lba, non-overlapping. Null for internal nodes. */
    final List<LeafEntry> entries;

    /** Internal: separator keys (keys[0] is a lower bound, keys[i>0] the exact min of child i). */
    final List<Long> keys;

    final List<Long> children;
    final List<long[]> childSums;

    private Node(long pageId, int level, long generation, long[] sum) {
        this.pageId = pageId;
        this.level = level;
        this.generation = generation;
        this.sum = sum;
        if (level == 0) {
            entries = new ArrayList<>();
            keys = null;
            children = null;
            childSums = null;
        } else {
            entries = null;
            keys = new ArrayList<>();
            children = new ArrayList<>();
            childSums = new ArrayList<>();
        }
    }

    static Node newLeaf(long pageId, long generation) {
        return new Node(pageId, 0, generation, Hashing.zeroSum());
    }

    static Node newInternal(long pageId, int level, long generation) {
        return new Node(pageId, level, generation, Hashing.zeroSum());
    }

    boolean isLeaf() {
        return level == 0;
    }

    int size() {
        return isLeaf() ? entries.size() : children.size();
    }

    boolean overfull() {
        return isLeaf() ? entries.size() > MAX_LEAF : children.size() > MAX_INTERNAL;
    }

    /** The smallest key in this subtree as far as this node knows. */
    long minKey() {
        return isLeaf() ? entries.get(0).lba() : keys.get(0);
    }

    /** A copy with a new page id, for copy-on-write. */
    Node copy(long newPageId, long generation) {
        Node n = new Node(newPageId, level, generation, sum.clone());
        n.dirty = true;
        if (isLeaf()) {
            n.entries.addAll(entries);
        } else {
            n.keys.addAll(keys);
            n.children.addAll(children);
            for (long[] s : childSums) {
                n.childSums.add(s.clone());
            }
        }
        return n;
    }

    /** Recomputes {@link #sum} from entries or child sums. */
    void recomputeSum() {
        long[] s = Hashing.zeroSum();
        if (isLeaf()) {
            for (LeafEntry e : entries) {
                Hashing.add(s, e.contribution());
            }
        } else {
            for (long[] c : childSums) {
                Hashing.add(s, c);
            }
        }
        System.arraycopy(s, 0, sum, 0, 4);
    }

    /** Index of the child whose subtree holds {@code key}: the last i with keys[i] <= key, or 0. */
    int childIndexFor(long key) {
        int lo = 1;
        int hi = keys.size() - 1;
        int ans = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keys.get(mid) <= key) {
                ans = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return ans;
    }

    /** Index of the last entry with lba <= key, or -1. */
    int entryIndexAtOrBefore(long key) {
        int lo = 0;
        int hi = entries.size() - 1;
        int ans = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (entries.get(mid).lba() <= key) {
                ans = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return ans;
    }

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(PAGE_SIZE);
        encodeInto(b);
        b.clear();
        return b;
    }

    /**
     * Writes the page at {@code dst}'s position (which advances by {@link #PAGE_SIZE}); every byte
     * of the page is written, unused ones as zeros.
     */
    void encodeInto(ByteBuffer dst) {
        ByteBuffer b = dst.slice(dst.position(), PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) (isLeaf() ? 1 : 2)).put((byte) level).putShort((short) size());
        b.putLong(generation).putLong(pageId);
        for (long l : sum) {
            b.putLong(l);
        }
        b.putInt(0).putInt(0);
        if (isLeaf()) {
            for (LeafEntry e : entries) {
                b.putLong(e.lba()).putInt(e.blocks()).putInt(e.segment());
                b.putInt((int) e.dataBlock()).putInt((int) e.allocBlock());
                e.putHash(b);
            }
        } else {
            for (int i = 0; i < children.size(); i++) {
                b.putLong(keys.get(i)).putLong(children.get(i));
                for (long l : childSums.get(i)) {
                    b.putLong(l);
                }
            }
        }
        while (b.remaining() >= 8) {
            b.putLong(0);
        }
        CRC32C crc = new CRC32C();
        crc.update(b.clear());
        b.putInt(56, (int) crc.getValue());
        dst.position(dst.position() + PAGE_SIZE);
    }

    /** Decodes a page, verifying magic, checksum and that it is the page that was asked for. */
    static Node decode(ByteBuffer page, long expectedPageId, String file) {
        ByteBuffer b = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long base = expectedPageId * PAGE_SIZE;
        if (b.remaining() != PAGE_SIZE) {
            throw new CorruptDataException(file, base, "a full page of " + PAGE_SIZE + " bytes");
        }
        int storedCrc = b.getInt(56);
        byte[] copy = new byte[PAGE_SIZE];
        b.get(copy);
        copy[56] = copy[57] = copy[58] = copy[59] = 0;
        CRC32C crc = new CRC32C();
        crc.update(copy);
        if ((int) crc.getValue() != storedCrc) {
            throw new CorruptDataException(
                    file, base, "node page " + expectedPageId + " with a valid CRC32C");
        }
        ByteBuffer d = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        if (d.getInt() != MAGIC) {
            throw new CorruptDataException(file, base, "node magic EXND");
        }
        int type = d.get();
        int level = d.get() & 0xff;
        int count = d.getShort() & 0xffff;
        long gen = d.getLong();
        long id = d.getLong();
        if (id != expectedPageId) {
            throw new CorruptDataException(
                    file, base, "page id " + expectedPageId + ", found " + id);
        }
        if ((type == 1) != (level == 0) || (type != 1 && type != 2)) {
            throw new CorruptDataException(file, base + 4, "node type matching level " + level);
        }
        int max = type == 1 ? MAX_LEAF : MAX_INTERNAL;
        if (count > max) {
            throw new CorruptDataException(file, base + 6, "at most " + max + " entries");
        }
        long[] sum = new long[] {d.getLong(), d.getLong(), d.getLong(), d.getLong()};
        d.getInt();
        d.getInt();
        Node n = new Node(id, level, gen, sum);
        for (int i = 0; i < count; i++) {
            if (type == 1) {
                long lba = d.getLong();
                int blocks = d.getInt();
                int seg = d.getInt();
                long dataBlock = Integer.toUnsignedLong(d.getInt());
                long allocBlock = Integer.toUnsignedLong(d.getInt());
                // The hash is stored as bytes, read as big-endian longs from a little-endian page.
                n.entries.add(
                        new LeafEntry(
                                lba,
                                blocks,
                                seg,
                                dataBlock,
                                allocBlock,
                                Long.reverseBytes(d.getLong()),
                                Long.reverseBytes(d.getLong()),
                                Long.reverseBytes(d.getLong()),
                                Long.reverseBytes(d.getLong())));
            } else {
                n.keys.add(d.getLong());
                n.children.add(d.getLong());
                n.childSums.add(new long[] {d.getLong(), d.getLong(), d.getLong(), d.getLong()});
            }
        }
        return n;
    }
}

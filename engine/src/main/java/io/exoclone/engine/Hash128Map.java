package io.exoclone.engine;

import java.util.Arrays;

/**
 * A hash map from a 128-bit key (the first 16 bytes of a content hash, as {@code hi, lo}) to two
 * longs {@code (a, b)}, with no object per entry: open addressing with linear probing over one
 * {@code long[]} of four longs per slot. The content index and the per-volume pending index hold an
 * entry per extent written, and an object graph per entry is what the collector copies out of the
 * young generation while writers wait. {@code b} is never 0: 0 marks a free slot. Not thread-safe.
 */
final class Hash128Map {
    private static final int STRIDE = 4; // hi, lo, a, b

    private long[] slots;
    private int mask;
    private int size;

    Hash128Map() {
        slots = new long[16 * STRIDE];
        mask = 15;
    }

    private Hash128Map(Hash128Map other) {
        slots = other.slots.clone();
        mask = other.mask;
        size = other.size;
    }

    /** A copy (one array copy). */
    Hash128Map copy() {
        return new Hash128Map(this);
    }

    private int home(long hi, long lo) {
        return LongLongMap.spread(lo ^ Long.rotateLeft(hi, 29)) & mask;
    }

    /** The slot holding {@code (hi, lo)}, or -1. */
    int find(long hi, long lo) {
        int i = home(hi, lo);
        while (slots[i * STRIDE + 3] != 0) {
            if (slots[i * STRIDE] == hi && slots[i * STRIDE + 1] == lo) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Slots there are; {@link #occupied} tells which hold an entry. */
    int capacity() {
        return mask + 1;
    }

    boolean occupied(int slot) {
        return slots[slot * STRIDE + 3] != 0;
    }

    long hi(int slot) {
        return slots[slot * STRIDE];
    }

    long lo(int slot) {
        return slots[slot * STRIDE + 1];
    }

    long a(int slot) {
        return slots[slot * STRIDE + 2];
    }

    long b(int slot) {
        return slots[slot * STRIDE + 3];
    }

    /** Sets {@code (hi, lo)} to {@code (a, b)}. */
    void put(long hi, long lo, long a, long b) {
        insert(hi, lo, a, b, true);
    }

    /** Sets {@code (hi, lo)} to {@code (a, b)} unless it is present; true when it was absent. */
    boolean putIfAbsent(long hi, long lo, long a, long b) {
        return insert(hi, lo, a, b, false);
    }

    private boolean insert(long hi, long lo, long a, long b, boolean replace) {
        if (b == 0) {
            throw new IllegalArgumentException("b must not be 0");
        }
        int i = home(hi, lo);
        while (slots[i * STRIDE + 3] != 0) {
            if (slots[i * STRIDE] == hi && slots[i * STRIDE + 1] == lo) {
                if (replace) {
                    slots[i * STRIDE + 2] = a;
                    slots[i * STRIDE + 3] = b;
                }
                return false;
            }
            i = (i + 1) & mask;
        }
        set(i, hi, lo, a, b);
        if (++size * 4 > capacity() * 3) {
            grow();
        }
        return true;
    }

    private void set(int i, long hi, long lo, long a, long b) {
        int o = i * STRIDE;
        slots[o] = hi;
        slots[o + 1] = lo;
        slots[o + 2] = a;
        slots[o + 3] = b;
    }

    /** Removes {@code (hi, lo)}; true when it was present. */
    boolean remove(long hi, long lo) {
        int i = find(hi, lo);
        if (i < 0) {
            return false;
        }
        removeAt(i);
        return true;
    }

    /** Empties an occupied slot (backward-shift deletion: later entries of its run move up). */
    void removeAt(int slot) {
        int hole = slot;
        int j = slot;
        while (true) {
            j = (j + 1) & mask;
            if (slots[j * STRIDE + 3] == 0) {
                break;
            }
            int ideal = home(slots[j * STRIDE], slots[j * STRIDE + 1]);
            boolean stays = hole <= j ? hole < ideal && ideal <= j : hole < ideal || ideal <= j;
            if (!stays) {
                System.arraycopy(slots, j * STRIDE, slots, hole * STRIDE, STRIDE);
                hole = j;
            }
        }
        Arrays.fill(slots, hole * STRIDE, hole * STRIDE + STRIDE, 0);
        size--;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        mask = slots.length / STRIDE - 1;
        for (int o = 0; o < old.length; o += STRIDE) {
            if (old[o + 3] != 0) {
                int i = home(old[o], old[o + 1]);
                while (slots[i * STRIDE + 3] != 0) {
                    i = (i + 1) & mask;
                }
                System.arraycopy(old, o, slots, i * STRIDE, STRIDE);
            }
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        Arrays.fill(slots, 0);
        size = 0;
    }

    /** What {@link #forEach} calls for every entry. */
    interface Visitor {
        void visit(long hi, long lo, long a, long b);
    }

    /** Visits every entry, in no particular order. */
    void forEach(Visitor visitor) {
        for (int o = 0; o < slots.length; o += STRIDE) {
            if (slots[o + 3] != 0) {
                visitor.visit(slots[o], slots[o + 1], slots[o + 2], slots[o + 3]);
            }
        }
    }
}

package io.exoclone.engine;

import java.util.Arrays;

/**
 * A hash map from {@code long} to non-zero {@code long}, open addressing with linear probing and a
 * mixed hash, with no object per entry: the pool's reference counts change on every write and
 * shadowed node, and boxed keys or value records would all be garbage that the collector copies
 * while writers wait. 0 means "absent": storing 0 removes the key. Not thread-safe.
 */
final class LongLongMap {
    private long[] keys;
    private long[] values; // 0 marks a free slot
    private int size;
    private int mask;

    LongLongMap() {
        keys = new long[16];
        values = new long[16];
        mask = 15;
    }

    private LongLongMap(LongLongMap other) {
        keys = other.keys.clone();
        values = other.values.clone();
        size = other.size;
        mask = other.mask;
    }

    /** A copy (two array copies). */
    LongLongMap copy() {
        return new LongLongMap(this);
    }

    static int spread(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private int slot(long key) {
        return spread(key) & mask;
    }

    private int find(long key) {
        int i = slot(key);
        while (values[i] != 0) {
            if (keys[i] == key) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** The value of {@code key}, 0 when absent. */
    long get(long key) {
        int i = find(key);
        return i < 0 ? 0 : values[i];
    }

    boolean containsKey(long key) {
        return find(key) >= 0;
    }

    /** Sets {@code key} to {@code value}; 0 removes it. */
    void put(long key, long value) {
        if (value == 0) {
            remove(key);
            return;
        }
        int i = slot(key);
        while (values[i] != 0) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 4 > values.length * 3) {
            grow();
        }
    }

    /** Removes {@code key}; returns its value, 0 when it was absent. */
    long remove(long key) {
        int i = find(key);
        if (i < 0) {
            return 0;
        }
        long old = values[i];
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == 0) {
                break;
            }
            int ideal = slot(keys[j]);
            boolean stays = hole <= j ? hole < ideal && ideal <= j : hole < ideal || ideal <= j;
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = 0;
        size--;
        return old;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldValues.length * 2];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != 0) {
                int s = slot(oldKeys[i]);
                while (values[s] != 0) {
                    s = (s + 1) & mask;
                }
                keys[s] = oldKeys[i];
                values[s] = oldValues[i];
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
        Arrays.fill(values, 0);
        size = 0;
    }

    /** What {@link #forEach} calls for every entry. */
    interface Visitor {
        void visit(long key, long value);
    }

    /** Visits every entry, in no particular order. */
    void forEach(Visitor visitor) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                visitor.visit(keys[i], values[i]);
            }
        }
    }

    /** The keys, in no particular order. */
    long[] keys() {
        long[] out = new long[size];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                out[n++] = keys[i];
            }
        }
        return out;
    }
}

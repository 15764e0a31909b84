package io.exoclone.engine;

import java.util.Arrays;

/**
 * An append-only list of {@code (key, value)} pairs of longs: the changes of one transaction to a
 * table of counts, in the order they were made. A commit takes the whole list in O(1) under the
 * pool's monitor and reduces it to the last value per key outside it ({@link #lastValues}).
 */
final class PairLog {
    private long[] pairs = new long[64];
    private int size; // pairs, not longs

    void add(long key, long value) {
        if (2 * size + 2 > pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[2 * size] = key;
        pairs[2 * size + 1] = value;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The last value of every key, as {@code {keys, values}} of equal length, in no order. */
    long[][] lastValues() {
        LongLongMap seen = new LongLongMap(size);
        long[] keys = new long[size];
        long[] values = new long[size];
        int n = 0;
        for (int i = size - 1; i >= 0; i--) { // newest first: the first one seen is the last value
            long key = pairs[2 * i];
            if (!seen.containsKey(key)) {
                seen.put(key, 1);
                keys[n] = key;
                values[n] = pairs[2 * i + 1];
                n++;
            }
        }
        return new long[][] {Arrays.copyOf(keys, n), Arrays.copyOf(values, n)};
    }
}

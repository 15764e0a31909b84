package io.exoclone.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only list of {@code (key, value)} pairs of longs: the changes of one transaction to a
 * table of counts, in the order they were made. A commit takes the whole list in O(1) under the
 * pool's monitor and reduces it to the last value per key outside it ({@link #forEachLast}).
 *
 * <p>Stored in chunks of 64 KiB that are never copied once full: a transaction of a million changes
 * would otherwise double one array up to 16 MB, and every array over half a G1 region is a
 * humongous allocation that starts a young collection while writers wait.
 */
final class PairLog {
    static final int CHUNK = 8192; // longs: 4,096 pairs

    private final List<long[]> full = new ArrayList<>();
    private long[] tail = new long[64];
    private int tailLongs;
    private int size; // pairs, not longs

    void add(long key, long value) {
        if (tailLongs == tail.length) {
            if (tail.length < CHUNK) {
                tail = Arrays.copyOf(tail, tail.length * 2);
            } else {
                full.add(tail);
                tail = new long[CHUNK];
                tailLongs = 0;
            }
        }
        tail[tailLongs++] = key;
        tail[tailLongs++] = value;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /**
     * Visits the last value of every key once, newest change first, and returns how many keys it
     * visited. {@code seen} is scratch space, reused from commit to commit.
     */
    int forEachLast(Seen seen, LongLongMap.Visitor visitor) {
        seen.begin(size);
        int n = visitLast(tail, tailLongs, seen, visitor);
        for (int c = full.size() - 1; c >= 0; c--) {
            n += visitLast(full.get(c), CHUNK, seen, visitor);
        }
        return n;
    }

    private static int visitLast(long[] pairs, int longs, Seen seen, LongLongMap.Visitor v) {
        int n = 0;
        for (int i = longs - 2; i >= 0; i -= 2) { // newest first: the first one seen is the last
            if (seen.add(pairs[i])) {
                v.visit(pairs[i], pairs[i + 1]);
                n++;
            }
        }
        return n;
    }

    /**
     * A set of longs that empties in O(1): a slot belongs to the current round only when it carries
     * the round's stamp, so a new round ({@link #begin}) needs no clearing. Linear probing stays
     * correct because a round only adds: a probe stops at the first slot of another round, and
     * every key of this round was put at or before it.
     */
    static final class Seen {
        /** Tables up to this many slots (12 MB) are kept for the next commit. */
        private static final int KEEP_SLOTS = 1 << 20;

        private long[] keys = new long[16];
        private int[] stamps = new int[16];
        private int stamp;
        private int mask = 15;

        /** Starts an empty round for up to {@code expected} keys. */
        void begin(int expected) {
            int capacity = 16;
            while (capacity < 2L * expected) {
                capacity <<= 1;
            }
            if (capacity > keys.length || (keys.length > KEEP_SLOTS && capacity < keys.length)) {
                keys = new long[capacity];
                stamps = new int[capacity];
                mask = capacity - 1;
                stamp = 0;
            }
            if (++stamp == 0) { // wrapped after 2^32 rounds
                Arrays.fill(stamps, 0);
                stamp = 1;
            }
        }

        /** Adds {@code key}; false when it was already in this round. */
        boolean add(long key) {
            int i = LongLongMap.spread(key) & mask;
            while (stamps[i] == stamp) {
                if (keys[i] == key) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            keys[i] = key;
            stamps[i] = stamp;
            return true;
        }
    }
}

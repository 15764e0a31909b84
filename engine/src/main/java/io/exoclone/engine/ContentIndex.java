package io.exoclone.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The content index: the first 16 bytes of a content hash to the snapshot extent where that content
 * was first seen ({@link PoolState.IndexEntry}), for dedup on export. Held in {@link Hash128Shards}
 * (lba, then the snapshot's small number and the block count in one long), so a pool of millions of
 * extents costs a few arrays instead of three objects per extent. Not thread-safe.
 */
final class ContentIndex {
    private final Hash128Shards table;

    /** Small number to snapshot id (null: free); the numbers are local to this process. */
    private final List<UUID> snapshots;

    private final Map<UUID, Integer> numbers;
    private final ArrayDeque<Integer> freeNumbers;

    ContentIndex() {
        table = new Hash128Shards();
        snapshots = new ArrayList<>();
        numbers = new HashMap<>();
        freeNumbers = new ArrayDeque<>();
    }

    private ContentIndex(ContentIndex other) {
        table = other.table.copy();
        snapshots = new ArrayList<>(other.snapshots);
        numbers = new HashMap<>(other.numbers);
        freeNumbers = new ArrayDeque<>(other.freeNumbers);
    }

    /** A copy to read without the monitor (an array copy and the snapshot numbers). */
    ContentIndex copy() {
        return new ContentIndex(this);
    }

    private static long packed(int number, int blocks) {
        if (blocks <= 0) {
            throw new IllegalArgumentException("An index entry needs at least one block");
        }
        return ((long) number << 32) | blocks;
    }

    private int number(UUID snapshot) {
        Integer n = numbers.get(snapshot);
        if (n != null) {
            return n;
        }
        Integer free = freeNumbers.poll();
        int k = free != null ? free : snapshots.size();
        if (free != null) {
            snapshots.set(k, snapshot);
        } else {
            snapshots.add(snapshot);
        }
        numbers.put(snapshot, k);
        return k;
    }

    /** The entry for {@code key}, or null. */
    PoolState.IndexEntry get(PoolState.HashKey key) {
        Hash128Map t = table.shardFor(key.hi());
        int slot = t == null ? -1 : t.find(key.hi(), key.lo());
        if (slot < 0) {
            return null;
        }
        long b = t.b(slot);
        return new PoolState.IndexEntry(snapshots.get((int) (b >>> 32)), t.a(slot), (int) b);
    }

    boolean containsKey(PoolState.HashKey key) {
        Hash128Map t = table.shardFor(key.hi());
        return t != null && t.find(key.hi(), key.lo()) >= 0;
    }

    void put(PoolState.HashKey key, PoolState.IndexEntry e) {
        table.put(key.hi(), key.lo(), e.lba(), packed(number(e.snapshot()), e.blocks()));
    }

    void remove(PoolState.HashKey key) {
        table.remove(key.hi(), key.lo());
    }

    /** Removes every entry naming {@code snapshot}; returns their keys, two longs each. */
    long[] removeSnapshot(UUID snapshot) {
        Integer n = numbers.remove(snapshot);
        if (n == null) {
            return new long[0];
        }
        long[] keys = new long[16];
        int k = 0;
        for (int s = 0; s < Hash128Shards.SHARDS; s++) {
            Hash128Map t = table.shard(s);
            for (int i = 0; t != null && i < t.capacity(); i++) {
                if (t.occupied(i) && (int) (t.b(i) >>> 32) == n) {
                    if (k == keys.length) {
                        keys = java.util.Arrays.copyOf(keys, k * 2);
                    }
                    keys[k++] = t.hi(i);
                    keys[k++] = t.lo(i);
                }
            }
        }
        for (int i = 0; i < k; i += 2) {
            table.remove(keys[i], keys[i + 1]);
        }
        snapshots.set(n, null);
        freeNumbers.add(n);
        return java.util.Arrays.copyOf(keys, k);
    }

    int size() {
        return table.size();
    }

    void clear() {
        table.clear();
        snapshots.clear();
        numbers.clear();
        freeNumbers.clear();
    }

    /** What {@link #forEach} calls for every entry. */
    interface Visitor {
        void visit(long hi, long lo, UUID snapshot, long lba, int blocks);
    }

    /** Visits every entry, in no particular order. */
    void forEach(Visitor visitor) {
        table.forEach(
                (hi, lo, a, b) ->
                        visitor.visit(hi, lo, snapshots.get((int) (b >>> 32)), a, (int) b));
    }
}

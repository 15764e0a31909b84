package io.exoclone.engine;

/**
 * A {@link Hash128Map} split into {@value #SHARDS} tables by the key's first byte. A table doubles
 * by rehashing all it holds under the pool's monitor; split this way, the content index of a
 * million extents grows a 256th at a time (microseconds) instead of in one rehash of the lot (tens
 * of milliseconds that every writer waited). Tables are made on first use. Not thread-safe.
 */
final class Hash128Shards {
    static final int SHARDS = 256;

    private final Hash128Map[] shards;

    Hash128Shards() {
        shards = new Hash128Map[SHARDS];
    }

    private Hash128Shards(Hash128Shards other) {
        shards = new Hash128Map[SHARDS];
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = other.shards[i] == null ? null : other.shards[i].copy();
        }
    }

    /** A copy (an array copy per table). */
    Hash128Shards copy() {
        return new Hash128Shards(this);
    }

    static int shardOf(long hi) {
        return (int) (hi >>> 56);
    }

    /** Table {@code i}, or null when nothing was ever put in it. */
    Hash128Map shard(int i) {
        return shards[i];
    }

    /** The table that holds (or would hold) keys starting with {@code hi}, or null. */
    Hash128Map shardFor(long hi) {
        return shards[shardOf(hi)];
    }

    private Hash128Map table(long hi) {
        int i = shardOf(hi);
        Hash128Map t = shards[i];
        if (t == null) {
            t = shards[i] = new Hash128Map();
        }
        return t;
    }

    void put(long hi, long lo, long a, long b) {
        table(hi).put(hi, lo, a, b);
    }

    boolean putIfAbsent(long hi, long lo, long a, long b) {
        return table(hi).putIfAbsent(hi, lo, a, b);
    }

    boolean remove(long hi, long lo) {
        Hash128Map t = shardFor(hi);
        return t != null && t.remove(hi, lo);
    }

    int size() {
        int n = 0;
        for (Hash128Map t : shards) {
            n += t == null ? 0 : t.size();
        }
        return n;
    }

    void clear() {
        java.util.Arrays.fill(shards, null);
    }

    /** Visits every entry, in no particular order. */
    void forEach(Hash128Map.Visitor visitor) {
        for (Hash128Map t : shards) {
            if (t != null) {
                t.forEach(visitor);
            }
        }
    }
}

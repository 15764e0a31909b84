package io.exoclone.engine;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A hash map from {@code long} to non-null values, open addressing with linear probing and a mixed
 * hash. Allocation keys ({@code segment << 32 | block}) make {@link Long#hashCode} collide ({@code
 * block ^ segment}), which turned a {@link java.util.HashMap} of them into tree bins; here a key is
 * spread by a 64-bit multiply before it picks a slot, and {@link #get(long)}, {@link #put(long,
 * Object)} and {@link #remove(long)} take it unboxed. Iteration order is unspecified; iterators do
 * not support removal. Not thread-safe.
 */
final class LongKeyMap<V> extends AbstractMap<Long, V> {
    private long[] keys;
    private Object[] values; // null marks a free slot
    private int size;
    private int mask;

    LongKeyMap() {
        keys = new long[16];
        values = new Object[16];
        mask = 15;
    }

    private static int spread(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private int slot(long key) {
        return spread(key) & mask;
    }

    private int find(long key) {
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int i = find(key);
        return i < 0 ? null : (V) values[i];
    }

    boolean containsKey(long key) {
        return find(key) >= 0;
    }

    V getOrDefault(long key, V fallback) {
        V v = get(key);
        return v == null ? fallback : v;
    }

    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        if (value == null) {
            throw new NullPointerException("LongKeyMap holds no null values");
        }
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 4 > values.length * 3) {
            grow();
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    V remove(long key) {
        int i = find(key);
        if (i < 0) {
            return null;
        }
        V old = (V) values[i];
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == null) {
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
        values[hole] = null;
        size--;
        return old;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldValues.length * 2];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                int s = slot(oldKeys[i]);
                while (values[s] != null) {
                    s = (s + 1) & mask;
                }
                keys[s] = oldKeys[i];
                values[s] = oldValues[i];
            }
        }
    }

    // ---------------------------------------------------------------- Map<Long, V>

    @Override
    public int size() {
        return size;
    }

    @Override
    public V get(Object key) {
        return key instanceof Long k ? get(k.longValue()) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof Long k && containsKey(k.longValue());
    }

    @Override
    public V put(Long key, V value) {
        return put(key.longValue(), value);
    }

    @Override
    public V remove(Object key) {
        return key instanceof Long k ? remove(k.longValue()) : null;
    }

    @Override
    public void clear() {
        java.util.Arrays.fill(values, null);
        size = 0;
    }

    @Override
    public Set<Entry<Long, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<Long, V>> iterator() {
                return new Iterator<>() {
                    private int next = advance(0);

                    private int advance(int from) {
                        int i = from;
                        while (i < values.length && values[i] == null) {
                            i++;
                        }
                        return i;
                    }

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    @SuppressWarnings("unchecked")
                    public Entry<Long, V> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<Long, V> e = new SimpleImmutableEntry<>(keys[next], (V) values[next]);
                        next = advance(next + 1);
                        return e;
                    }
                };
            }
        };
    }
}

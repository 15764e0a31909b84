package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Hash128MapTest {
    private record Key(long hi, long lo) {}

    @Test
    void behavesLikeAHashMapUnderRandomPutsAndRemovals() {
        Random rnd = new Random(17);
        Hash128Map map = new Hash128Map();
        Map<Key, List<Long>> expected = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // A small key space, so that puts find existing keys and removals shift probe runs.
            Key k = new Key(rnd.nextInt(64), rnd.nextInt(64) - 32);
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    long a = rnd.nextLong();
                    long b = 1 + rnd.nextInt(1000);
                    map.put(k.hi(), k.lo(), a, b);
                    expected.put(k, List.of(a, b));
                }
                case 1 -> {
                    long a = rnd.nextLong();
                    long b = -1 - rnd.nextInt(1000);
                    boolean absent = !expected.containsKey(k);
                    assertThat(map.putIfAbsent(k.hi(), k.lo(), a, b)).isEqualTo(absent);
                    expected.putIfAbsent(k, List.of(a, b));
                }
                case 2 ->
                        assertThat(map.remove(k.hi(), k.lo()))
                                .isEqualTo(expected.remove(k) != null);
                case 3 -> {
                    int slot = map.find(k.hi(), k.lo());
                    assertThat(slot >= 0).isEqualTo(expected.containsKey(k));
                    if (slot >= 0) {
                        assertThat(List.of(map.a(slot), map.b(slot))).isEqualTo(expected.get(k));
                        map.removeAt(slot);
                        expected.remove(k);
                    }
                }
                default -> {
                    int slot = map.find(k.hi(), k.lo());
                    assertThat(slot >= 0).isEqualTo(expected.containsKey(k));
                }
            }
            if (i % 5_000 == 0) {
                assertThat(toMap(map)).isEqualTo(expected);
                assertThat(map.size()).isEqualTo(expected.size());
            }
        }
        assertThat(toMap(map)).isEqualTo(expected);
        Hash128Map copy = map.copy();
        Key first = expected.keySet().iterator().next();
        map.put(first.hi(), first.lo(), 1, 1);
        assertThat(toMap(copy)).isEqualTo(expected); // a copy does not follow the original
        int occupied = 0;
        for (int s = 0; s < copy.capacity(); s++) {
            if (copy.occupied(s)) {
                occupied++;
                assertThat(expected).containsKey(new Key(copy.hi(s), copy.lo(s)));
            }
        }
        assertThat(occupied).isEqualTo(expected.size());
        map.clear();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.find(first.hi(), first.lo())).isNegative();
        assertThatThrownBy(() -> map.put(1, 2, 3, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theContentIndexReusesTheNumbersOfRemovedSnapshotsAndLogsEachRemoval() {
        PoolState s = new PoolState();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        for (int i = 0; i < 1000; i++) {
            UUID owner = i % 3 == 0 ? a : b;
            s.putIndex(new PoolState.HashKey(i, ~i), new PoolState.IndexEntry(owner, i, 1 + i % 7));
        }
        s.clearChanges();
        s.unindexSnapshot(a);
        assertThat(s.indexChanges.size()).isEqualTo(334);
        assertThat(s.contentIndex.size()).isEqualTo(666);
        UUID c = UUID.randomUUID();
        s.putIndex(new PoolState.HashKey(5000, 1), new PoolState.IndexEntry(c, 9, 2));
        assertThat(s.contentIndex.get(new PoolState.HashKey(5000, 1)))
                .isEqualTo(new PoolState.IndexEntry(c, 9, 2));
        assertThat(s.contentIndex.get(new PoolState.HashKey(3, ~3))).isNull();
        assertThat(s.contentIndex.get(new PoolState.HashKey(4, ~4)))
                .isEqualTo(new PoolState.IndexEntry(b, 4, 5));
        Map<UUID, Integer> owners = new HashMap<>();
        s.contentIndex.forEach((hi, lo, snap, lba, blocks) -> owners.merge(snap, 1, Integer::sum));
        assertThat(owners).isEqualTo(Map.of(b, 666, c, 1));
    }

    @Test
    void shardsSplitByTheFirstByteAndBehaveAsOneMap() {
        Random rnd = new Random(23);
        Hash128Shards map = new Hash128Shards();
        Map<Key, List<Long>> expected = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            Key k = new Key(rnd.nextLong() & 0xff000000000000ffL, rnd.nextInt(16));
            if (rnd.nextInt(3) == 0) {
                assertThat(map.remove(k.hi(), k.lo())).isEqualTo(expected.remove(k) != null);
            } else {
                long b = 1 + rnd.nextInt(9);
                assertThat(map.putIfAbsent(k.hi(), k.lo(), i, b))
                        .isEqualTo(!expected.containsKey(k));
                expected.putIfAbsent(k, List.of((long) i, b));
            }
        }
        Map<Key, List<Long>> seen = new HashMap<>();
        map.forEach((hi, lo, a, b) -> seen.put(new Key(hi, lo), List.of(a, b)));
        assertThat(seen).isEqualTo(expected);
        assertThat(map.size()).isEqualTo(expected.size());
        for (Key k : expected.keySet()) {
            Hash128Map t = map.shardFor(k.hi());
            assertThat(t).isSameAs(map.shard((int) (k.hi() >>> 56)));
            assertThat(t.find(k.hi(), k.lo())).isNotNegative();
        }
        Hash128Shards copy = map.copy();
        map.clear();
        assertThat(map.size()).isZero();
        assertThat(copy.size()).isEqualTo(expected.size());
    }

    private static Map<Key, List<Long>> toMap(Hash128Map map) {
        Map<Key, List<Long>> out = new HashMap<>();
        map.forEach((hi, lo, a, b) -> out.put(new Key(hi, lo), List.of(a, b)));
        return out;
    }
}

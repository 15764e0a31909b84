package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongLongMapTest {
    @Test
    void behavesLikeAHashMapUnderRandomPutsAndRemovals() {
        Random rnd = new Random(11);
        LongLongMap map = new LongLongMap();
        Map<Long, Long> expected = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // Allocation-shaped keys (segment << 32 | block), few segments and blocks: they collide
            // under Long.hashCode, and removals exercise the backward shift of probe runs.
            long key = ((long) rnd.nextInt(8) << 32) | rnd.nextInt(4096);
            switch (rnd.nextInt(4)) {
                case 0, 1 -> {
                    long value = 1 + rnd.nextInt(1000);
                    map.put(key, value);
                    expected.put(key, value);
                }
                case 2 -> {
                    map.put(key, 0); // 0 removes
                    expected.remove(key);
                }
                default -> {
                    Long want = expected.remove(key);
                    assertThat(map.remove(key)).isEqualTo(want == null ? 0 : want);
                }
            }
            if (i % 10_000 == 0) {
                assertThat(toMap(map)).isEqualTo(expected);
            }
        }
        assertThat(toMap(map)).isEqualTo(expected);
        assertThat(map.size()).isEqualTo(expected.size());
        assertThat(map.keys()).hasSize(expected.size());
        for (long k : expected.keySet()) {
            assertThat(map.containsKey(k)).isTrue();
            assertThat(map.get(k)).isEqualTo(expected.get(k));
        }
        LongLongMap copy = map.copy();
        map.put(expected.keySet().iterator().next(), 123_456);
        assertThat(toMap(copy)).isEqualTo(expected); // a copy does not follow the original
        assertThat(map.get(-1L)).isZero();
        map.clear();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.get(expected.keySet().iterator().next())).isZero();
    }

    private static Map<Long, Long> toMap(LongLongMap map) {
        Map<Long, Long> out = new HashMap<>();
        map.forEach(out::put);
        return out;
    }
}

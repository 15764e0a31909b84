package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongKeyMapTest {
    @Test
    void behavesLikeAHashMapUnderRandomPutsAndRemovals() {
        Random rnd = new Random(11);
        LongKeyMap<Integer> map = new LongKeyMap<>();
        Map<Long, Integer> expected = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // Allocation-shaped keys (segment << 32 | block), few segments and blocks: they collide
            // under Long.hashCode, and removals exercise the backward shift of probe runs.
            long key = ((long) rnd.nextInt(8) << 32) | rnd.nextInt(4096);
            switch (rnd.nextInt(3)) {
                case 0, 1 ->
                        assertThat(map.put(key, Integer.valueOf(i)))
                                .isEqualTo(expected.put(key, i));
                default -> assertThat(map.remove(key)).isEqualTo(expected.remove(key));
            }
            if (i % 10_000 == 0) {
                assertThat(map).isEqualTo(expected);
            }
        }
        assertThat(map).isEqualTo(expected);
        assertThat(map.size()).isEqualTo(expected.size());
        for (long k : expected.keySet()) {
            assertThat(map.containsKey(k)).isTrue();
            assertThat(map.get(k)).isEqualTo(expected.get(k));
        }
        assertThat(map.get(-1L)).isNull();
        map.clear();
        assertThat(map).isEmpty();
        assertThat(map.get(expected.keySet().iterator().next())).isNull();
    }
}

package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Extent;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationMapTest {
    private static final int BS = 4096;
    private static final int HOLE = AllocationMap.STATE_HOLE | AllocationMap.STATE_ZERO;

    private static Extent extent(long lba, int blocks) {
        return new Extent(lba, blocks, 1, lba, new byte[32]);
    }

    private static AllocationMap.Descriptor d(long length, int flags) {
        return new AllocationMap.Descriptor(length, flags);
    }

    @Test
    void holesAndDataAlternateAndAdjacentExtentsMerge() {
        List<Extent> x = List.of(extent(2, 16), extent(18, 4), extent(30, 1));
        assertThat(AllocationMap.describe(x, 0, 40L * BS, false))
                .containsExactly(
                        d(2L * BS, HOLE),
                        d(20L * BS, 0),
                        d(8L * BS, HOLE),
                        d(BS, 0),
                        d(9L * BS, HOLE));
    }

    @Test
    void anUnalignedRangeIsCutAtItsEnds() {
        List<Extent> x = List.of(extent(1, 2));
        assertThat(AllocationMap.describe(x, 4000, 5000, false))
                .containsExactly(d(96, HOLE), d(4904, 0));
        assertThat(AllocationMap.describe(x, BS + 10, 100, false)).containsExactly(d(100, 0));
    }

    @Test
    void anEmptyVolumeIsOneHoleAndReqOneGivesOneDescriptor() {
        assertThat(AllocationMap.describe(List.of(), 0, 1L << 30, false))
                .containsExactly(d(1L << 30, HOLE));
        assertThat(AllocationMap.describe(List.of(extent(3, 1)), 0, 10L * BS, true))
                .containsExactly(d(3L * BS, HOLE));
        assertThat(AllocationMap.describe(List.of(extent(0, 1)), 0, 10L * BS, true))
                .containsExactly(d(BS, 0));
    }

    @Test
    void manyRangesStopAtTheLimitWithoutPassingTheRequest() {
        java.util.ArrayList<Extent> x = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            x.add(extent(2L * i, 1));
        }
        List<AllocationMap.Descriptor> out = AllocationMap.describe(x, 0, 20_000L * BS, false);
        assertThat(out).hasSize(AllocationMap.MAX_DESCRIPTORS);
        assertThat(out.stream().mapToLong(AllocationMap.Descriptor::length).sum())
                .isEqualTo((long) AllocationMap.MAX_DESCRIPTORS * BS);
    }
}

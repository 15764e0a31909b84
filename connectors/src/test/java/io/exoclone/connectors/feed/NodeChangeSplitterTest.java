package io.exoclone.connectors.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.ChangeRange;
import io.exoclone.schemas.ChangedRange;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.RangeKind;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Cutting leaves into records: size bound, numbering, parts, reassembly; no broker. */
class NodeChangeSplitterTest {
    private static final int BS = 4096;
    private static final EventCodec CODEC = new EventCodec();
    private static final NodeChangeSplitter.Header HEADER =
            new NodeChangeSplitter.Header(
                    "0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10",
                    "pg-orders-01",
                    "5e2c9a47-81f3-4b6d-a0c2-d94e17b3f658",
                    "c41d8e02-7b95-4f3a-8e6c-2a0f9d51b7e3");

    /** Block contents derived from the block number, so any range can be checked. */
    private static byte[] blocks(long startBlock, int n) {
        byte[] b = new byte[n * BS];
        for (int i = 0; i < n; i++) {
            Random r = new Random(31 * (startBlock + i) + 7);
            for (int j = 0; j < BS; j += 8) {
                long v = r.nextLong();
                for (int k = 0; k < 8; k++) {
                    b[i * BS + j + k] = (byte) (v >>> (8 * k));
                }
            }
        }
        return b;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static ChangeRange.Data data(long start, int n) throws Exception {
        return new ChangeRange.Data(start, n, sha256(blocks(start, n)), null);
    }

    /** One leaf of ranges. */
    private record Leaf(long id, long generation, List<ChangeRange> ranges) {}

    private static List<NodeChange> split(int budget, List<Leaf> leaves) {
        List<NodeChange> out = new ArrayList<>();
        NodeChangeSplitter s =
                new NodeChangeSplitter(budget, HEADER, NodeChangeSplitterTest::blocks, out::add);
        for (Leaf l : leaves) {
            s.leaf(l.id(), l.generation(), l.ranges());
        }
        assertThat(s.records()).isEqualTo(out.size());
        return out;
    }

    /** Checks every invariant a consumer relies on and rebuilds the blocks from the records. */
    private static Map<Long, byte[]> checkAndRebuild(
            int budget, List<Leaf> leaves, List<NodeChange> records) throws Exception {
        Map<Long, byte[]> rebuilt = new HashMap<>();
        Map<Long, byte[]> pending = new HashMap<>();
        int lastPart = -1;
        int partsOfOpen = 0;
        long openStart = -1;
        for (int i = 0; i < records.size(); i++) {
            NodeChange r = records.get(i);
            int size = CODEC.encode(r).length;
            assertThat(size).as("record %d size", i).isLessThanOrEqualTo(budget);
            assertThat(r.getSequence()).isEqualTo(i);
            assertThat(r.getSnapshotId()).isEqualTo(HEADER.snapshotId());
            assertThat(r.getParentId()).isEqualTo(HEADER.parentId());
            for (int j = 0; j < r.getRanges().size(); j++) {
                ChangedRange c = r.getRanges().get(j);
                if (openStart >= 0) {
                    // A split range continues: next part, first in this record.
                    assertThat(j).as("continuing part first in record %d", i).isZero();
                    assertThat(c.getStartBlock()).isEqualTo(openStart);
                    assertThat(c.getPart()).isEqualTo(lastPart + 1);
                    assertThat(c.getParts()).isEqualTo(partsOfOpen);
                }
                if (c.getKind() == RangeKind.ZERO) {
                    assertThat(c.getData()).isNull();
                    assertThat(c.getContentHash()).isNull();
                    assertThat(c.getParts()).isEqualTo(1);
                    rebuilt.put(c.getStartBlock(), new byte[c.getBlocks() * BS]);
                    continue;
                }
                assertThat(c.getKind()).isEqualTo(RangeKind.DATA);
                byte[] buf =
                        pending.computeIfAbsent(
                                c.getStartBlock(), k -> new byte[c.getBlocks() * BS]);
                ByteBuffer d = c.getData().duplicate();
                assertThat(c.getDataOffset() % BS).as("parts are block-aligned").isZero();
                d.get(buf, c.getDataOffset(), d.remaining());
                boolean last = c.getPart() == c.getParts() - 1;
                if (last) {
                    byte[] hash = new byte[32];
                    c.getContentHash().duplicate().get(hash);
                    assertThat(sha256(buf)).isEqualTo(hash);
                    rebuilt.put(c.getStartBlock(), pending.remove(c.getStartBlock()));
                    openStart = -1;
                    lastPart = -1;
                } else {
                    assertThat(j)
                            .as("an unfinished part ends its record")
                            .isEqualTo(r.getRanges().size() - 1);
                    openStart = c.getStartBlock();
                    lastPart = c.getPart();
                    partsOfOpen = c.getParts();
                }
            }
        }
        assertThat(pending).isEmpty();
        // Every leaf's ranges, in order, with its node id.
        int rec = 0;
        for (Leaf l : leaves) {
            assertThat(records.get(rec).getNodeId()).isEqualTo(l.id());
            while (rec < records.size() && records.get(rec).getNodeId() == l.id()) {
                assertThat(records.get(rec).getNodeGeneration()).isEqualTo(l.generation());
                rec++;
            }
            for (ChangeRange r : l.ranges()) {
                byte[] got = rebuilt.get(r.startBlock());
                assertThat(got).as("range at %d", r.startBlock()).isNotNull();
                byte[] want =
                        r instanceof ChangeRange.Zero
                                ? new byte[(int) r.blocks() * BS]
                                : blocks(r.startBlock(), (int) r.blocks());
                assertThat(got).isEqualTo(want);
            }
        }
        assertThat(rec).isEqualTo(records.size());
        return rebuilt;
    }

    @Test
    void smallLeavesTakeOneRecordEach() throws Exception {
        List<Leaf> leaves =
                List.of(
                        new Leaf(
                                7, 3, List.of(data(0, 1), new ChangeRange.Zero(1, 5), data(6, 16))),
                        new Leaf(9, 4, List.of(data(100, 2))));
        List<NodeChange> records = split(1 << 20, leaves);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).getRanges()).hasSize(3);
        assertThat(records.get(0).getRanges()).allMatch(r -> r.getParts() == 1 && r.getPart() == 0);
        checkAndRebuild(1 << 20, leaves, records);
    }

    @Test
    void aLeafOverOneMebibyteSpreadsOverRecordsWithoutSplittingRanges() throws Exception {
        List<ChangeRange> ranges = new ArrayList<>();
        for (int i = 0; i < 40; i++) { // 40 x 64 KiB = 2.5 MiB
            ranges.add(data(i * 16L, 16));
        }
        List<Leaf> leaves = List.of(new Leaf(42, 8, ranges));
        int budget = (1 << 20) - 36 - FeedSession.RECORD_OVERHEAD_BYTES;
        List<NodeChange> records = split(budget, leaves);
        assertThat(records).hasSize(3);
        assertThat(records).allMatch(r -> r.getNodeId() == 42);
        assertThat(records.stream().flatMap(r -> r.getRanges().stream()))
                .allMatch(r -> r.getParts() == 1);
        // Records are filled: only the last holds fewer than 15 ranges of 64 KiB.
        assertThat(records.get(0).getRanges()).hasSize(15);
        checkAndRebuild(budget, leaves, records);
    }

    @Test
    void rangesLargerThanARecordAreCutIntoBlockAlignedParts() throws Exception {
        int budget = 20_000; // 4 blocks per record at most
        List<Leaf> leaves =
                List.of(
                        new Leaf(
                                1,
                                1,
                                List.of(data(0, 1), data(10, 16), new ChangeRange.Zero(26, 6))),
                        new Leaf(2, 1, List.of(data(64, 16), data(80, 3))));
        List<NodeChange> records = split(budget, leaves);
        Map<Long, byte[]> rebuilt = checkAndRebuild(budget, leaves, records);
        assertThat(rebuilt).containsKeys(0L, 10L, 26L, 64L, 80L);
        // The first part of the 16-block range shares the record of the 1-block range.
        ChangedRange first = records.get(0).getRanges().get(1);
        assertThat(first.getStartBlock()).isEqualTo(10);
        assertThat(first.getPart()).isZero();
        assertThat(first.getParts()).isGreaterThan(1);
        assertThat(first.getData().remaining()).isEqualTo(3 * BS);
    }

    @Test
    void randomLeavesAlwaysRespectTheBudgetAndReassemble() throws Exception {
        Random rnd = new Random(5);
        for (int round = 0; round < 30; round++) {
            int budget = 8_000 + rnd.nextInt(200_000);
            List<Leaf> leaves = new ArrayList<>();
            long block = 0;
            for (int l = 0; l < 1 + rnd.nextInt(6); l++) {
                List<ChangeRange> ranges = new ArrayList<>();
                for (int i = 0; i < 1 + rnd.nextInt(30); i++) {
                    block += rnd.nextInt(3);
                    int n = 1 + rnd.nextInt(16);
                    ranges.add(
                            rnd.nextInt(5) == 0 ? new ChangeRange.Zero(block, n) : data(block, n));
                    block += n;
                }
                leaves.add(new Leaf(1000 + l, round, ranges));
            }
            checkAndRebuild(budget, leaves, split(budget, leaves));
        }
    }

    @Test
    void aMissingContentHashIsComputed() throws Exception {
        List<NodeChange> records =
                split(
                        1 << 20,
                        List.of(new Leaf(0, 5, List.of(new ChangeRange.Data(3, 2, null, null)))));
        byte[] hash = new byte[32];
        records.get(0).getRanges().get(0).getContentHash().duplicate().get(hash);
        assertThat(hash).isEqualTo(sha256(blocks(3, 2)));
    }

    @Test
    void theSizeBoundIsTight() throws Exception {
        // A full record of 4 KiB ranges is within a few percent of the budget.
        List<ChangeRange> ranges = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ranges.add(data(2L * i, 1));
        }
        int budget = 1 << 20;
        List<NodeChange> records = split(budget, List.of(new Leaf(1, 1, ranges)));
        assertThat(records).hasSizeGreaterThan(1);
        assertThat(CODEC.encode(records.get(0)).length).isGreaterThan(budget - 5 * 4096);
    }

    @Test
    void aBudgetThatCannotHoldOneBlockIsRefused() {
        assertThatThrownBy(
                        () ->
                                new NodeChangeSplitter(
                                        4000, HEADER, NodeChangeSplitterTest::blocks, r -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4000");
    }

    @Test
    void theSmallestConfigurableRecordHoldsABlockWithTheLongestNames() {
        String name = "v".repeat(128);
        NodeChangeSplitter.Header h =
                new NodeChangeSplitter.Header(
                        HEADER.volumeId(), name, HEADER.snapshotId(), HEADER.parentId());
        int budget =
                ChangeFeedConfig.MIN_MAX_RECORD_BYTES
                        - HEADER.volumeId().length()
                        - FeedSession.RECORD_OVERHEAD_BYTES;
        List<NodeChange> out = new ArrayList<>();
        NodeChangeSplitter s =
                new NodeChangeSplitter(budget, h, NodeChangeSplitterTest::blocks, out::add);
        s.leaf(1, 1, List.of(new ChangeRange.Data(0, 16, null, null)));
        assertThat(out).hasSizeGreaterThanOrEqualTo(16);
        assertThat(out).allMatch(r -> CODEC.encode(r).length <= budget);
    }
}

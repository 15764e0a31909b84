package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export plans applied to another pool rebuild every snapshot with the same root and bytes. */
class ExchangeTest {
    @TempDir Path tmp;

    private static final int BS = Pool.BLOCK_SIZE;

    /** Ships a snapshot's plan from one pool into another the way an exo-clone file would. */
    static Snapshot ship(Pool from, Pool to, Snapshot s) {
        ExportPlan plan = from.exportPlan(s.id());
        List<ChangeRange> ranges = new ArrayList<>();
        for (ChangeRange r : plan.ranges()) {
            if (r instanceof ChangeRange.Data d) {
                byte[] data = from.read(s.id(), d.startBlock() * BS, (int) d.blocks() * BS);
                ranges.add(new ChangeRange.Data(d.startBlock(), d.blocks(), d.contentHash(), data));
            } else {
                ranges.add(r);
            }
        }
        ImportRequest req =
                new ImportRequest(
                        s.id(),
                        s.parentId().orElse(null),
                        null,
                        s.volume(),
                        null,
                        s.size(),
                        s.created(),
                        s.tag().orElse(null),
                        s.rootHash(),
                        null);
        return to.importSnapshot(req, ranges.iterator());
    }

    @Test
    void aChainOfSnapshotsReplicatesWithEqualRootsAndBytes() {
        Random rnd = new Random(21);
        try (Pool a = Pool.create(tmp.resolve("a"));
                Pool b = Pool.create(tmp.resolve("b"))) {
            Volume v = a.createVolume("v", 4 << 20);
            List<Snapshot> chain = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 20; i++) {
                    byte[] data = new byte[1 + rnd.nextInt(64 << 10)];
                    rnd.nextBytes(data);
                    v.write(rnd.nextInt((4 << 20) - data.length), data);
                }
                if (round == 2) {
                    v.trim(1 << 20, 1 << 20);
                }
                chain.add(a.snapshot("v", "r" + round));
            }
            for (Snapshot s : chain) {
                Snapshot got = ship(a, b, s);
                assertThat(got.id()).isEqualTo(s.id());
                assertThat(got.rootHashHex()).isEqualTo(s.rootHashHex());
                assertThat(b.read(s.id(), 0, 4 << 20)).isEqualTo(a.read(s.id(), 0, 4 << 20));
            }
            // Importing again is a no-op.
            long gen = b.generation();
            ship(a, b, chain.get(4));
            assertThat(b.generation()).isEqualTo(gen);
            assertThat(b.check().problems()).isEmpty();
            assertThat(b.lineage(chain.get(4).id())).hasSize(5);
        }
    }

    @Test
    void copiedAndRepeatedDataBecomeDedupReferences() {
        Random rnd = new Random(22);
        try (Pool a = Pool.create(tmp.resolve("a"));
                Pool b = Pool.create(tmp.resolve("b"))) {
            Volume v = a.createVolume("v", 8 << 20);
            byte[] file = new byte[1 << 20];
            rnd.nextBytes(file);
            v.write(0, file);
            Snapshot first = a.snapshot("v", "first");
            // Copy the same bytes elsewhere (a moved/copied file), and write one chunk twice.
            v.write(4 << 20, file);
            byte[] twice = new byte[64 << 10];
            rnd.nextBytes(twice);
            v.write(6 << 20, twice);
            v.write(7 << 20, twice);
            Snapshot second = a.snapshot("v", "second");
            ExportPlan plan = a.exportPlan(second.id());
            assertThat(plan.dedupSources()).containsExactly(first.id());
            assertThat(plan.dedupBytes()).isEqualTo((1 << 20) + (64 << 10));
            assertThat(plan.dataBytes()).isEqualTo(64 << 10);
            ExportPlan firstPlan = a.exportPlan(first.id());
            assertThat(firstPlan.parent()).isEmpty();
            assertThat(firstPlan.dataBytes()).isEqualTo(1 << 20);

            ship(a, b, first);
            Snapshot got = ship(a, b, second);
            assertThat(got.rootHashHex()).isEqualTo(second.rootHashHex());
            assertThat(b.read(second.id(), 0, 8 << 20)).isEqualTo(a.read(second.id(), 0, 8 << 20));
            // Dedup references share data: the replica stores the copied megabyte once.
            assertThat(b.stat().dataBytesLive()).isEqualTo((1 << 20) + (64 << 10));
            assertThat(b.check().problems()).isEmpty();
        }
    }

    @Test
    void missingParentOrBadRootChangesNothing() {
        Random rnd = new Random(23);
        try (Pool a = Pool.create(tmp.resolve("a"));
                Pool b = Pool.create(tmp.resolve("b"))) {
            Volume v = a.createVolume("v", 1 << 20);
            byte[] d = new byte[8 * BS];
            rnd.nextBytes(d);
            v.write(0, d);
            Snapshot s1 = a.snapshot("v", null);
            v.write(BS, d);
            Snapshot s2 = a.snapshot("v", null);
            long gen = b.generation();
            assertThatThrownBy(() -> ship(a, b, s2))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining(s1.id().toString())
                    .hasMessageContaining("import the parent first");
            assertThat(b.generation()).isEqualTo(gen);
            assertThat(b.snapshots()).isEmpty();

            byte[] wrongRoot = s1.rootHash();
            wrongRoot[0] ^= 1;
            ImportRequest bad =
                    new ImportRequest(
                            s1.id(),
                            null,
                            null,
                            "v",
                            null,
                            s1.size(),
                            Instant.now(),
                            null,
                            wrongRoot,
                            null);
            List<ChangeRange> ranges = new ArrayList<>();
            for (ChangeRange r : a.exportPlan(s1.id()).ranges()) {
                ChangeRange.Data x = (ChangeRange.Data) r;
                ranges.add(
                        new ChangeRange.Data(
                                x.startBlock(),
                                x.blocks(),
                                x.contentHash(),
                                a.read(s1.id(), x.startBlock() * BS, (int) x.blocks() * BS)));
            }
            assertThatThrownBy(() -> b.importSnapshot(bad, ranges.iterator()))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("Merkle root");
            assertThat(b.snapshots()).isEmpty();
            assertThat(b.stat().dataBytesLive()).isZero();
            assertThat(b.check().problems()).isEmpty();
        }
    }
}

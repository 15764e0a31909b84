package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Export from one pool, import into another: roots and bytes equal, zero-copy, lineage rules. */
class ExportImportTest {
    @TempDir Path tmp;

    static final int BS = Pool.BLOCK_SIZE;
    static final int SIZE = 8 << 20;

    /** Three snapshots of a volume with scattered writes, a trim and copied data. */
    static List<Snapshot> chain(Pool a, long seed) {
        Random rnd = new Random(seed);
        Volume v = a.createVolume("vol", SIZE);
        List<Snapshot> out = new ArrayList<>();
        byte[] copied = new byte[256 << 10];
        rnd.nextBytes(copied);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 25; i++) {
                byte[] d = new byte[1 + rnd.nextInt(128 << 10)];
                rnd.nextBytes(d);
                v.write(rnd.nextInt(6 << 20), d);
            }
            // The same file written at another aligned place: dedup references to round 0.
            v.write((6L << 20) + round * (512 << 10), copied);
            if (round == 1) {
                v.trim(2 << 20, 1 << 20);
            }
            out.add(a.snapshot("vol", "r" + round));
        }
        return out;
    }

    static long segmentFiles(Pool p) throws Exception {
        try (Stream<Path> s = Files.list(p.directory().resolve("segments"))) {
            return s.count();
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aChainReplicatesByteForByteWithEqualRoots(Compression c) throws Exception {
        try (Pool a = Pool.create(tmp.resolve("a"));
                Pool b = Pool.create(tmp.resolve("b"))) {
            List<Snapshot> snaps = chain(a, 7);
            List<Path> files = new ArrayList<>();
            for (Snapshot s : snaps) {
                Path f = tmp.resolve(s.id() + ".exo");
                Exporter.Result dry = Exporter.export(a, s.id(), null, c, Optional.empty(), null);
                Exporter.Result r = Exporter.export(a, s.id(), f, c, Optional.empty(), null);
                assertThat(dry.fileBytes()).isEqualTo(Files.size(f)).isEqualTo(r.fileBytes());
                files.add(f);
            }
            Exporter.Result third =
                    Exporter.export(a, snaps.get(2).id(), null, c, Optional.empty(), null);
            assertThat(third.dedupBytes()).isGreaterThanOrEqualTo(256 << 10);
            assertThat(third.dedupIds()).contains(snaps.get(0).id());
            assertThat(third.dedupIds()).isNotEmpty();

            for (int i = 0; i < snaps.size(); i++) {
                Importer.Result r = Importer.importFile(b, files.get(i), Optional.empty(), false);
                Snapshot s = snaps.get(i);
                assertThat(r.alreadyPresent()).isFalse();
                assertThat(r.snapshot().id()).isEqualTo(s.id());
                assertThat(r.snapshot().rootHashHex()).isEqualTo(s.rootHashHex());
                assertThat(r.snapshot().volume()).isEqualTo("vol");
                assertThat(r.snapshot().tag()).contains("r" + i);
                assertThat(b.read(s.id(), 0, SIZE)).isEqualTo(a.read(s.id(), 0, SIZE));
                if (c == Compression.NONE) {
                    assertThat(r.adoptedBytes()).isPositive();
                    assertThat(r.copiedBytes()).isZero();
                } else {
                    assertThat(r.copiedBytes()).isPositive();
                }
            }
            if (c == Compression.NONE) {
                // The pool took its own copy (or reflink): the user's file shares no inode with it.
                assertThat(Files.getAttribute(files.get(0), "unix:nlink")).isEqualTo(1);
            }
            // Importing again is a no-op.
            long gen = b.generation();
            assertThat(
                            Importer.importFile(b, files.get(2), Optional.empty(), false)
                                    .alreadyPresent())
                    .isTrue();
            assertThat(b.generation()).isEqualTo(gen);
            assertThat(b.check().problems()).isEmpty();
        }
    }

    @Test
    void outOfOrderImportFailsClearlyAndFastForwardWorks() throws Exception {
        try (Pool a = Pool.create(tmp.resolve("a"));
                Pool b = Pool.create(tmp.resolve("b"))) {
            List<Snapshot> snaps = chain(a, 8);
            Path fa = tmp.resolve("a.exo");
            Path fc = tmp.resolve("c.exo");
            Path fcFromA = tmp.resolve("c-from-a.exo");
            Exporter.export(a, snaps.get(0).id(), fa, Compression.NONE, Optional.empty(), null);
            Exporter.export(a, snaps.get(2).id(), fc, Compression.NONE, Optional.empty(), null);
            Exporter.export(
                    a,
                    snaps.get(2).id(),
                    snaps.get(0).id(),
                    fcFromA,
                    Compression.LZ4,
                    Optional.empty(),
                    null);

            long segs = segmentFiles(b);
            assertThatThrownBy(() -> Importer.importFile(b, fc, Optional.empty(), false))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining(snaps.get(1).id().toString())
                    .hasMessageContaining("import them first");
            assertThat(b.snapshots()).isEmpty();
            assertThat(segmentFiles(b)).isEqualTo(segs);

            Importer.importFile(b, fa, Optional.empty(), false);
            Snapshot c = Importer.importFile(b, fcFromA, Optional.empty(), false).snapshot();
            assertThat(c.id()).isEqualTo(snaps.get(2).id());
            assertThat(c.parentId()).contains(snaps.get(0).id());
            assertThat(c.rootHashHex()).isEqualTo(snaps.get(2).rootHashHex());
            assertThat(b.read(c.id(), 0, SIZE)).isEqualTo(a.read(c.id(), 0, SIZE));
            assertThat(b.check().problems()).isEmpty();
        }
    }

    @Test
    void signedFilesVerifyOnlyWithTheRightKey() throws Exception {
        try (Pool a = Pool.create(tmp.resolve("a"));
                Pool b = Pool.create(tmp.resolve("b"))) {
            Snapshot s = chain(a, 9).get(0);
            Path key = tmp.resolve("key");
            Signing.writeKeyPair(Signing.generateKeyPair(), key);
            Path other = tmp.resolve("other");
            Signing.writeKeyPair(Signing.generateKeyPair(), other);
            Path f = tmp.resolve("s.exo");
            Exporter.export(
                    a, s.id(), f, Compression.NONE, Optional.of(Signing.readSigner(key)), null);
            assertThatThrownBy(
                            () ->
                                    Importer.importFile(
                                            b,
                                            f,
                                            Optional.of(
                                                    Signing.readPublicKey(
                                                            Signing.publicKeyPath(other))),
                                            false))
                    .isInstanceOf(BadSignatureException.class);
            assertThat(b.snapshots()).isEmpty();
            Importer.importFile(
                    b, f, Optional.of(Signing.readPublicKey(Signing.publicKeyPath(key))), false);
            assertThat(b.snapshots()).hasSize(1);
        }
    }

    @Test
    void everyDamagedFileIsRefusedAndLeavesThePoolAsItWas() throws Exception {
        try (Pool a = Pool.create(tmp.resolve("a"));
                Pool b = Pool.create(tmp.resolve("b"))) {
            List<Snapshot> snaps = chain(a, 10);
            Path f0 = tmp.resolve("0.exo");
            Path f1 = tmp.resolve("1.exo");
            Exporter.export(a, snaps.get(0).id(), f0, Compression.NONE, Optional.empty(), null);
            Exporter.export(a, snaps.get(1).id(), f1, Compression.LZ4, Optional.empty(), null);
            Importer.importFile(b, f0, Optional.empty(), false);
            byte[] good = Files.readAllBytes(f1);
            long gen = b.generation();
            long segs = segmentFiles(b);
            Random rnd = new Random(99);
            int refused = 0;
            for (int i = 0; i < 60; i++) {
                byte[] bad = good.clone();
                int kind = i % 3;
                if (kind == 0) {
                    bad = java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length));
                } else {
                    int n = 1 + rnd.nextInt(4);
                    for (int k = 0; k < n; k++) {
                        bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
                    }
                }
                Path f = tmp.resolve("bad-" + i + ".exo");
                Files.write(f, bad);
                assertThatThrownBy(() -> Importer.importFile(b, f, Optional.empty(), false))
                        .isInstanceOf(ExocloneException.class);
                refused++;
                assertThat(b.generation()).isEqualTo(gen);
                assertThat(b.snapshots()).hasSize(1);
                assertThat(segmentFiles(b)).isEqualTo(segs);
            }
            assertThat(refused).isEqualTo(60);
            assertThatThrownBy(() -> Importer.importFile(b, tmp, Optional.empty(), false))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("directory");
            assertThat(b.check().problems()).isEmpty();
            // The good file still imports afterwards.
            assertThat(Importer.importFile(b, f1, Optional.empty(), false).snapshot().rootHashHex())
                    .isEqualTo(snaps.get(1).rootHashHex());
        }
    }

    @Test
    void aFileWhoseDedupSourceHoldsOtherBytesIsRefused() throws Exception {
        try (Pool a = Pool.create(tmp.resolve("a"));
                Pool b = Pool.create(tmp.resolve("b"))) {
            List<Snapshot> snaps = chain(a, 11);
            Path f0 = tmp.resolve("0.exo");
            Exporter.export(a, snaps.get(0).id(), f0, Compression.NONE, Optional.empty(), null);
            // A forged file: same UUID, a DEDUP range pointing at bytes that differ.
            UUID id = UUID.randomUUID();
            Path forged = tmp.resolve("forged.exo");
            try (ExocloneWriter w =
                    ExocloneWriter.builder(id).parent(snaps.get(0).id()).open(forged)) {
                w.addDedup(0, 1, snaps.get(0).id(), 123 * BS, BS, new byte[32]);
                w.finish(new byte[32], SIZE, Optional.empty());
            }
            Importer.importFile(b, f0, Optional.empty(), false);
            long gen = b.generation();
            assertThatThrownBy(() -> Importer.importFile(b, forged, Optional.empty(), false))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("SHA-256");
            assertThat(b.generation()).isEqualTo(gen);
            assertThat(b.check().problems()).isEmpty();
        }
    }
}

package io.exoclone.engine;

import static io.exoclone.engine.FullFileSystemITCase.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.exoclone.format.Compression;
import io.exoclone.format.Exporter;
import io.exoclone.format.Importer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a file system that clones (a loop-mounted XFS with reflinks; skipped with the reason where
 * {@code mkfs.xfs} or mounting is missing), the default import takes a reflink: no data is copied
 * (the file system's used space hardly grows), and overwriting the original in place afterwards
 * still changes nothing in the pool. And {@code --move} across file systems copies, then removes
 * the original only once the import committed.
 */
class ReflinkImportITCase {
    private static final int MIB = 1 << 20;

    @TempDir Path tmp;

    @Test
    void theDefaultImportReflinksAndOwnsItsCopy() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mountXfs(tmp, 512)) {
            assumeTrue(fs.available(), fs::unavailableReason);
            byte[] data = random(64 * MIB, 21);
            Path file = fs.root().resolve("v.exo");
            Snapshot s;
            try (Pool a = Pool.create(fs.root().resolve("a"))) {
                a.createVolume("v", 128 * MIB).write(0, data);
                s = a.snapshot("v", "t");
                Exporter.export(a, s.id(), file, Compression.NONE, Optional.empty(), null);
            }
            Path dir = fs.root().resolve("b");
            try (Pool b = Pool.create(dir)) {
                long used = fs.usedBytes();
                Importer.Result r =
                        Importer.importFile(b, file, Optional.empty(), Importer.Mode.ADOPT);
                long grew = fs.usedBytes() - used;
                System.out.printf(
                        "ReflinkImportITCase: imported %d bytes by %s; the file system grew by"
                                + " %d bytes%n",
                        Files.size(file), r.transfer().orElseThrow(), grew);
                assertThat(r.transfer()).contains(StagedFile.Method.REFLINK);
                assertThat(grew).isLessThan(8L * MIB);
                SmallFileSystem.run(
                        "dd if=/dev/urandom of=" + file + " bs=1M count=32 seek=1 conv=notrunc");
                assertThat(b.readVerified(s.id(), 0, 64 * MIB)).isEqualTo(data);
                assertThat(b.check().problems()).isEmpty();
            }
        }
    }

    @Test
    void moveAcrossFileSystemsCopiesAndRemovesTheOriginalOnlyAfterTheCommit() throws Exception {
        Path parentFile = tmp.resolve("p.exo");
        Path childFile = tmp.resolve("c.exo");
        Snapshot child;
        try (Pool a = Pool.create(tmp.resolve("a"))) {
            Volume v = a.createVolume("v", 16 * MIB);
            v.write(0, random(4 * MIB, 31));
            Snapshot p = a.snapshot("v", "p");
            v.write(MIB, random(MIB, 32));
            child = a.snapshot("v", "c");
            Exporter.export(a, p.id(), parentFile, Compression.NONE, Optional.empty(), null);
            Exporter.export(a, child.id(), childFile, Compression.NONE, Optional.empty(), null);
        }
        try (SmallFileSystem fs = SmallFileSystem.mount(tmp.resolve("fs"), 64)) {
            assumeTrue(fs.available(), fs::unavailableReason);
            try (Pool b = Pool.create(fs.root().resolve("b"))) {
                // The parent is missing: nothing is imported and the file stays where it was.
                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () ->
                                        Importer.importFile(
                                                b, childFile, Optional.empty(), Importer.Mode.MOVE))
                        .isInstanceOf(NotFoundException.class);
                assertThat(childFile).exists();
                Importer.Result r =
                        Importer.importFile(b, parentFile, Optional.empty(), Importer.Mode.MOVE);
                assertThat(r.transfer()).contains(StagedFile.Method.COPY);
                assertThat(parentFile).doesNotExist();
                Importer.importFile(b, childFile, Optional.empty(), Importer.Mode.MOVE);
                assertThat(childFile).doesNotExist();
                assertThat(b.findSnapshot(child.id()).orElseThrow().rootHash())
                        .isEqualTo(child.rootHash());
                assertThat(b.check().problems()).isEmpty();
                assertThat(fs.root().resolve("b").resolve(Staging.DIR)).isEmptyDirectory();
            }
        }
    }
}

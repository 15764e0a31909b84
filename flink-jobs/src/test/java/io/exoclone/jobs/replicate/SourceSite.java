package io.exoclone.jobs.replicate;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.format.Compression;
import io.exoclone.format.Exporter;
import io.exoclone.schemas.ExoclonePublished;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Test data: a source pool with volume {@code alpha} (4 snapshots) and volume {@code beta} (2
 * snapshots, some of its data copied from alpha), every snapshot exported as an uncompressed
 * exo-clone file, and the {@link ExoclonePublished} event the assembler would publish for it.
 */
final class SourceSite {
    final Path poolDir;
    final Path filesDir;
    final List<ExoclonePublished> alpha = new ArrayList<>();
    final List<ExoclonePublished> beta = new ArrayList<>();

    SourceSite(Path dir) {
        this.poolDir = dir.resolve("site-a");
        this.filesDir = dir.resolve("files");
        Random random = new Random(42);
        try {
            Files.createDirectories(filesDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Pool pool = Pool.create(poolDir)) {
            pool.createVolume("alpha", 1 << 20);
            pool.createVolume("beta", 1 << 20);
            byte[] shared = bytes(random, 64 * 1024);
            for (int i = 0; i < 4; i++) {
                pool.volume("alpha").write((long) i * 128 * 1024, bytes(random, 48 * 1024));
                if (i == 1) {
                    pool.volume("alpha").write(512 * 1024, shared);
                }
                alpha.add(export(pool, pool.snapshot("alpha", "a" + i)));
            }
            pool.volume("beta").write(0, bytes(random, 16 * 1024));
            beta.add(export(pool, pool.snapshot("beta", "b0")));
            pool.volume("beta").write(256 * 1024, shared);
            beta.add(export(pool, pool.snapshot("beta", "b1")));
        }
    }

    List<ExoclonePublished> all() {
        List<ExoclonePublished> out = new ArrayList<>(alpha);
        out.addAll(beta);
        return out;
    }

    private ExoclonePublished export(Pool pool, Snapshot s) {
        Path file = filesDir.resolve(s.id() + ".exo");
        Exporter.Result r =
                Exporter.export(pool, s.id(), file, Compression.NONE, Optional.empty(), null);
        return ExoclonePublished.newBuilder()
                .setExocloneId(s.id().toString())
                .setParentId(s.parentId().map(UUID::toString).orElse(null))
                .setDedupIds(r.dedupIds().stream().map(UUID::toString).toList())
                .setVolumeId(s.volumeId().toString())
                .setVolumeName(s.volume())
                .setUri(file.toUri().toString())
                .setFileBytes(r.fileBytes())
                .setPayloadBytes(r.dataBytes())
                .setDedupBytes(r.dedupBytes())
                .setChangedBytes(r.changedBytes())
                .setRootHash(ByteBuffer.wrap(s.rootHash()))
                .setCreatedMillis(System.currentTimeMillis())
                .setSnapshotCreatedMillis(s.created().toEpochMilli())
                .build();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}

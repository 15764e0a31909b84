package io.exoclone.format;

import io.exoclone.engine.ChangeRange;
import io.exoclone.engine.ExportPlan;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Exports a snapshot as an exo-clone file: its change against its parent, found by the engine's
 * diff (cost grows with the change, never with the volume), written by a streaming {@link
 * ExocloneWriter}.
 */
public final class Exporter {
    private Exporter() {}

    /**
     * What an export wrote (or, for a dry run, would write).
     *
     * @param fileBytes exact size of the file
     * @param removedStale temporary files of earlier exports that died, removed from the target
     *     directory
     */
    public record Result(
            UUID id,
            Optional<UUID> parent,
            Set<UUID> dedupIds,
            long fileBytes,
            long dataBytes,
            long dedupBytes,
            long zeroBytes,
            long nodesVisited,
            int ranges,
            Path file,
            List<Path> removedStale) {
        public long changedBytes() {
            return dataBytes + dedupBytes + zeroBytes;
        }
    }

    /**
     * Writes the exo-clone of {@code snapshotId} to {@code to} (atomically: a temporary file
     * renamed into place), or with {@code to == null} only computes its exact size.
     *
     * @param progress told the number of changed bytes handled so far; may be null
     */
    public static Result export(
            Pool pool,
            UUID snapshotId,
            Path to,
            Compression compression,
            Optional<Signer> signer,
            LongConsumer progress) {
        return export(pool, snapshotId, null, to, compression, signer, progress);
    }

    /** Like {@link #export}, against {@code base} instead of the snapshot's parent when given. */
    public static Result export(
            Pool pool,
            UUID snapshotId,
            UUID base,
            Path to,
            Compression compression,
            Optional<Signer> signer,
            LongConsumer progress) {
        ExportPlan plan =
                base == null ? pool.exportPlan(snapshotId) : pool.exportPlan(snapshotId, base);
        Snapshot s = plan.snapshot();
        Origin origin = origin(s);
        CountingSink counter = to == null ? new CountingSink() : null;
        ExocloneWriter.Builder b =
                ExocloneWriter.builder(s.id())
                        .parent(plan.parent().map(Snapshot::id))
                        .compression(compression)
                        .created(s.created())
                        .origin(origin);
        long done = 0;
        try (ExocloneWriter w = to == null ? b.open(counter) : b.open(to)) {
            for (ChangeRange r : plan.ranges()) {
                int blocks = (int) r.blocks();
                if (r instanceof ChangeRange.Data d) {
                    // Verified against the extent's hash: damaged storage fails the export.
                    byte[] bytes =
                            pool.readVerified(
                                    s.id(),
                                    d.startBlock() * Pool.BLOCK_SIZE,
                                    blocks * Pool.BLOCK_SIZE);
                    w.addData(d.startBlock(), blocks, ByteBuffer.wrap(bytes), d.contentHash());
                } else if (r instanceof ChangeRange.Dedup d) {
                    w.addDedup(
                            d.startBlock(),
                            blocks,
                            d.source(),
                            d.sourceBlock() * Pool.BLOCK_SIZE,
                            (long) blocks * Pool.BLOCK_SIZE,
                            d.contentHash());
                } else {
                    w.addTrim(r.startBlock(), r.blocks());
                }
                done += r.blocks() * Pool.BLOCK_SIZE;
                if (progress != null) {
                    progress.accept(done);
                }
            }
            ExocloneHeader h = w.finish(s.rootHash(), s.size(), signer);
            return new Result(
                    s.id(),
                    plan.parent().map(Snapshot::id),
                    plan.dedupSources(),
                    to == null ? counter.count : h.fileSize(),
                    plan.dataBytes(),
                    plan.dedupBytes(),
                    plan.zeroBytes(),
                    plan.nodesVisited(),
                    plan.ranges().size(),
                    to,
                    w.removedStaleFiles());
        }
    }

    private static Origin origin(Snapshot s) {
        return new Origin(s.volume(), s.volumeId(), s.tag(), s.mergeParentId());
    }

    /** Counts bytes and drops them: a dry run learns the exact size without writing. */
    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}

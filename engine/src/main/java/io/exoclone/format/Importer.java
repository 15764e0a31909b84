package io.exoclone.format;

import io.exoclone.engine.ChangeRange;
import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.ImportRequest;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * Imports an exo-clone file into a pool: (1) verify the file (every checksum, the digest, the
 * signature when a key is trusted) and that the parent and every dedup source are in the pool; (2)
 * rebuild the tree from the metadata on top of the parent; (3) adopt an uncompressed payload in
 * place (zero-copy: the file becomes a read-only data segment by hard link, or one copy across file
 * systems) or decompress an LZ4 payload once. Nothing becomes visible unless every step succeeds
 * and the rebuilt volume has the file's Merkle root. Importing an exo-clone already in the pool is
 * a no-op.
 */
public final class Importer {
    private static final int MAX_EXTENT_BLOCKS = 16;

    private Importer() {}

    /**
     * What an import did.
     *
     * @param alreadyPresent the pool had the exo-clone: nothing was done
     * @param adoptedBytes payload bytes used in place (zero-copy)
     * @param copiedBytes payload bytes written into the pool (decompressed, or {@code copy})
     */
    public record Result(
            Snapshot snapshot,
            boolean alreadyPresent,
            long adoptedBytes,
            long copiedBytes,
            long dedupBytes) {}

    /**
     * Imports {@code file}.
     *
     * @param copy write the payload into the pool's own segments instead of adopting the file
     * @throws NotFoundException naming every missing parent or dedup exo-clone
     * @throws CorruptDataException for any damage or a root hash that does not match
     */
    public static Result importFile(
            Pool pool, Path file, Optional<PublicKey> trusted, boolean copy) {
        try (ExocloneReader reader = ExocloneReader.open(file)) {
            reader.verify(trusted);
            ExocloneHeader h = reader.header();
            UUID id = h.uuid();
            Optional<Snapshot> present = pool.findSnapshot(id);
            if (present.isPresent()) {
                return new Result(present.get(), true, 0, 0, 0);
            }
            List<String> missing = new ArrayList<>();
            h.parentUuid()
                    .filter(p -> pool.findSnapshot(p).isEmpty())
                    .ifPresent(p -> missing.add("its parent " + p));
            List<UUID> sources = new ArrayList<>();
            for (UUID d : reader.dedupUuids()) {
                if (pool.findSnapshot(d).isEmpty()) {
                    sources.add(d);
                }
            }
            if (!sources.isEmpty()) {
                missing.add("the exo-clone(s) it deduplicates against " + sources);
            }
            if (!missing.isEmpty()) {
                throw new NotFoundException(
                        "Cannot import exo-clone "
                                + id
                                + " from "
                                + file
                                + ": the pool lacks "
                                + String.join(" and ", missing)
                                + "; import them first");
            }
            Optional<Origin> origin = reader.origin();
            boolean adopt = !copy && h.compression() == Compression.NONE;
            Ranges ranges = new Ranges(reader, adopt);
            ImportRequest req =
                    new ImportRequest(
                            id,
                            h.parentUuid().orElse(null),
                            origin.flatMap(Origin::mergeParent).orElse(null),
                            origin.map(Origin::volumeName)
                                    .orElse("exo-" + id.toString().substring(0, 8)),
                            origin.map(Origin::volumeId).orElse(null),
                            reader.summary().volumeSize(),
                            h.created(),
                            origin.flatMap(Origin::tag).orElse(null),
                            reader.merkleRoot(),
                            adopt ? file.toAbsolutePath() : null);
            Snapshot s = pool.importSnapshot(req, ranges);
            return new Result(s, false, ranges.adopted, ranges.copied, ranges.dedup);
        }
    }

    /** Turns the file's ranges into the engine's, one extent (at most 16 blocks) each. */
    private static final class Ranges implements Iterator<ChangeRange> {
        private final ExocloneReader reader;
        private final Iterator<ExocloneRange> source;
        private final boolean adopt;
        private final List<ChangeRange> pending = new ArrayList<>();
        long adopted;
        long copied;
        long dedup;

        Ranges(ExocloneReader reader, boolean adopt) {
            this.reader = reader;
            this.source = reader.ranges();
            this.adopt = adopt;
        }

        @Override
        public boolean hasNext() {
            return !pending.isEmpty() || source.hasNext();
        }

        @Override
        public ChangeRange next() {
            if (pending.isEmpty()) {
                if (!source.hasNext()) {
                    throw new NoSuchElementException();
                }
                expand(source.next());
            }
            return pending.remove(0);
        }

        private void expand(ExocloneRange r) {
            if (r instanceof ExocloneRange.Zero || r instanceof ExocloneRange.Trim) {
                pending.add(new ChangeRange.Zero(r.startBlock(), r.blockCount()));
            } else if (r instanceof ExocloneRange.Dedup d) {
                dedup += d.length();
                pending.add(
                        new ChangeRange.Dedup(
                                d.startBlock(),
                                d.blockCount(),
                                d.sha256(),
                                d.sourceUuid(),
                                d.sourceOffset() / Pool.BLOCK_SIZE));
            } else {
                data((ExocloneRange.Data) r);
            }
        }

        private void data(ExocloneRange.Data d) {
            long at = reader.payloadFileOffset(d);
            if (adopt && d.blockCount() <= MAX_EXTENT_BLOCKS) {
                adopted += d.uncompressedLength();
                pending.add(
                        new ChangeRange.Adopted(d.startBlock(), d.blockCount(), d.sha256(), at));
                return;
            }
            // Decompress (or, for a long range, cut into extents) once.
            try (InputStream in = reader.openData(d)) {
                for (long b = 0; b < d.blockCount(); b += MAX_EXTENT_BLOCKS) {
                    int n = (int) Math.min(MAX_EXTENT_BLOCKS, d.blockCount() - b);
                    byte[] bytes = in.readNBytes(n * Pool.BLOCK_SIZE);
                    if (bytes.length != n * Pool.BLOCK_SIZE) {
                        throw new CorruptDataException(
                                reader.path().toString(), at, "the whole range's bytes");
                    }
                    byte[] hash = d.blockCount() <= MAX_EXTENT_BLOCKS ? d.sha256() : sha256(bytes);
                    copied += bytes.length;
                    pending.add(new ChangeRange.Data(d.startBlock() + b, n, hash, bytes));
                }
            } catch (IOException e) {
                throw new ExocloneException("Cannot read " + reader.path() + ": " + e, e);
            }
        }

        private static byte[] sha256(byte[] b) {
            try {
                return java.security.MessageDigest.getInstance("SHA-256").digest(b);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

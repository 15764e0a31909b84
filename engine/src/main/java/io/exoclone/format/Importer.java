package io.exoclone.format;

import io.exoclone.engine.ChangeRange;
import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.ImportRequest;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.StagedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * Imports an exo-clone file into a pool: (1) check that the parent and every dedup source are in
 * the pool; (2) for an uncompressed payload, take the file into the pool first ({@link Pool#stage}:
 * a reflink, else a copy; with {@link Mode#MOVE} a rename), so that what is verified and adopted is
 * the pool's own file and nobody else can change it later; (3) verify it (every checksum, the
 * digest, the signature when a key is trusted); (4) rebuild the tree from the metadata on top of
 * the parent, adopting the staged payload in place as a data segment, or decompressing an LZ4
 * payload once. Nothing becomes visible unless every step succeeds and the rebuilt volume has the
 * file's Merkle root. Importing an exo-clone already in the pool is a no-op. Design record:
 * docs/design/0007.
 */
public final class Importer {
    private static final int MAX_EXTENT_BLOCKS = 16;

    private Importer() {}

    /** What happens to the caller's file. */
    public enum Mode {
        /**
         * The file stays the caller's: an uncompressed payload is reflinked into the pool where the
         * file system can (no copy), else copied once; the pool never shares an inode with it.
         */
        ADOPT,
        /** The payload is written into the pool's current segment (decompressed or copied). */
        COPY,
        /**
         * The pool takes the file over: renamed into the pool on the same file system (zero-copy),
         * else copied; the original name is gone after a successful import (kept when it fails).
         */
        MOVE
    }

    /**
     * What an import did.
     *
     * @param alreadyPresent the pool had the exo-clone: nothing was done
     * @param adoptedBytes payload bytes adopted as the pool's data in place (no per-range copy)
     * @param copiedBytes payload bytes written into the pool (decompressed, or {@code COPY})
     * @param transfer how an adopted payload file came into the pool; empty when none was
     */
    public record Result(
            Snapshot snapshot,
            boolean alreadyPresent,
            long adoptedBytes,
            long copiedBytes,
            long dedupBytes,
            Optional<StagedFile.Method> transfer) {}

    /** Like {@link #importFile(Pool, Path, Optional, Mode)}: {@code COPY} or {@code ADOPT}. */
    public static Result importFile(
            Pool pool, Path file, Optional<PublicKey> trusted, boolean copy) {
        return importFile(pool, file, trusted, copy ? Mode.COPY : Mode.ADOPT);
    }

    /**
     * Imports {@code file}, a regular file (a FIFO or device is refused at once).
     *
     * @throws NotFoundException naming every missing parent or dedup exo-clone
     * @throws CorruptDataException for any damage or a root hash that does not match
     */
    public static Result importFile(Pool pool, Path file, Optional<PublicKey> trusted, Mode mode) {
        try (ExocloneReader reader = ExocloneReader.open(file)) {
            ExocloneHeader h = reader.header();
            Optional<Snapshot> present = pool.findSnapshot(h.uuid());
            if (present.isPresent()) {
                reader.verify(trusted);
                return new Result(present.get(), true, 0, 0, 0, Optional.empty());
            }
            requireSources(pool, reader);
            if (mode == Mode.COPY || h.compression() != Compression.NONE) {
                reader.verify(trusted);
                Result r = rebuild(pool, reader, null);
                if (mode == Mode.MOVE) {
                    deleteOriginal(file);
                }
                return r;
            }
        }
        try (StagedFile staged = pool.stage(file, mode == Mode.MOVE)) {
            return importStaged(pool, staged, trusted);
        }
    }

    /** Imports an exo-clone read from a stream (stdin): copied into the pool once, then adopted. */
    public static Result importStream(Pool pool, InputStream in, Optional<PublicKey> trusted) {
        try (StagedFile staged = pool.stage(in)) {
            return importStaged(pool, staged, trusted);
        }
    }

    private static Result importStaged(Pool pool, StagedFile staged, Optional<PublicKey> trusted) {
        try (ExocloneReader reader = ExocloneReader.open(staged.path())) {
            reader.verify(trusted);
            Optional<Snapshot> present = pool.findSnapshot(reader.header().uuid());
            if (present.isPresent()) {
                return new Result(present.get(), true, 0, 0, 0, Optional.empty());
            }
            requireSources(pool, reader);
            boolean adopt = reader.header().compression() == Compression.NONE;
            return rebuild(pool, reader, adopt ? staged : null);
        }
    }

    private static void deleteOriginal(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ExocloneException(
                    "Imported " + file + " but cannot remove it (--move): " + e.getMessage(), e);
        }
    }

    /** Names every parent and dedup source the pool lacks, before anything is copied. */
    private static void requireSources(Pool pool, ExocloneReader reader) {
        ExocloneHeader h = reader.header();
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
                            + h.uuid()
                            + " from "
                            + reader.path()
                            + ": the pool lacks "
                            + String.join(" and ", missing)
                            + "; import them first");
        }
    }

    /** Rebuilds the snapshot from a verified file; adopts {@code staged} when given. */
    private static Result rebuild(Pool pool, ExocloneReader reader, StagedFile staged) {
        ExocloneHeader h = reader.header();
        UUID id = h.uuid();
        Optional<Origin> origin = reader.origin();
        boolean adopt = staged != null;
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
                        adopt ? staged.path() : null);
        Snapshot s = pool.importSnapshot(req, ranges);
        return new Result(
                s,
                false,
                ranges.adopted,
                ranges.copied,
                ranges.dedup,
                adopt ? Optional.of(staged.method()) : Optional.empty());
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

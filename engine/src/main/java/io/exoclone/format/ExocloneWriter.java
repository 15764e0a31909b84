package io.exoclone.format;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.Hex;
import io.exoclone.engine.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Streams one exo-clone file: header, then payload as ranges are added, then dedup list, metadata
 * and trailer in {@link #finish}. It never seeks back and never holds the payload in memory.
 *
 * <p>Ranges must be added in ascending block order without overlap; a call that breaks a rule
 * throws {@link InvalidArgumentException} before writing anything and the writer stays usable. An
 * I/O failure makes the writer unusable. Closing a writer that did not finish abandons the file: a
 * {@link Path} target never appears, a stream holds a partial file.
 */
public final class ExocloneWriter implements AutoCloseable {
    private static final int BS = Format.BLOCK_SIZE;

    private enum State {
        OPEN,
        FINISHED,
        FAILED
    }

    private final UUID uuid;
    private final UUID parent;
    private final Compression compression;
    private final Instant created;
    private final WriteTarget target;
    private final HashingSink sink;
    private final RangeSequence ranges;
    private final RangeLog log;
    private State state = State.OPEN;

    private Origin origin;

    private ExocloneWriter(Builder b, WriteTarget target) throws IOException {
        this.uuid = b.uuid;
        this.parent = b.parent;
        this.compression = b.compression;
        this.created = b.created;
        this.origin = b.origin;
        this.target = target;
        this.sink = new HashingSink(target.channel());
        this.ranges = RangeSequence.forWriter(uuid, compression);
        this.log = new RangeLog(b.spillThreshold, null);
    }

    private void writeHeader() throws IOException {
        sink.write(headerBlock());
        sink.startSection();
    }

    private byte[] headerBlock() {
        long flags = compression == Compression.LZ4 ? ExocloneHeader.FLAG_LZ4 : 0;
        byte[] block = new byte[Format.PAYLOAD_OFFSET];
        byte[] header = HeaderCodec.encode(flags, uuid, parent, created.toEpochMilli());
        System.arraycopy(header, 0, block, 0, header.length);
        return block;
    }

    /**
     * Takes over a file an earlier writer with the same options began: the {@code writtenLength}
     * bytes of {@code written} enter the digest and CRCs, {@code done} (the ranges those bytes
     * hold, in order) the range list. Nothing is written.
     */
    private void absorb(InputStream written, long writtenLength, List<? extends ExocloneRange> done)
            throws IOException {
        if (writtenLength < Format.PAYLOAD_OFFSET) {
            throw new InvalidArgumentException(
                    String.format(
                            "A file to resume holds at least the %d-byte header block, got %d"
                                    + " bytes",
                            Format.PAYLOAD_OFFSET, writtenLength));
        }
        byte[] header = written.readNBytes(Format.PAYLOAD_OFFSET);
        byte[] expected = headerBlock();
        if (!Arrays.equals(header, expected)) {
            throw new InvalidArgumentException(
                    "The file to resume does not start with the header of exo-clone "
                            + uuid
                            + " with these options (parent, compression, created)");
        }
        sink.absorb(header, 0, header.length);
        sink.startSection();
        byte[] buf = new byte[64 * 1024];
        long left = writtenLength - Format.PAYLOAD_OFFSET;
        while (left > 0) {
            int n = written.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new InvalidArgumentException(
                        String.format(
                                "The file to resume ends %d bytes before the %d bytes it should"
                                        + " hold",
                                left, writtenLength));
            }
            sink.absorb(buf, 0, n);
            left -= n;
        }
        for (ExocloneRange r : done) {
            add(r);
        }
        long payload = writtenLength - Format.PAYLOAD_OFFSET;
        if (ranges.nextPayloadOffset() != payload) {
            throw new InvalidArgumentException(
                    String.format(
                            "The file to resume holds %d payload bytes, its ranges account for %d",
                            payload, ranges.nextPayloadOffset()));
        }
    }

    public static Builder builder(UUID uuid) {
        return new Builder(uuid);
    }

    /**
     * Adds the bytes of {@code blocks} blocks at {@code startBlock}: the remaining bytes of {@code
     * data} (exactly {@code blocks * 4096}; its position is not changed). {@code sha256} is the
     * SHA-256 of those bytes; it is checked, or computed when null.
     *
     * @return the range's offset in this file's content space (its DATA bytes concatenated); for an
     *     uncompressed file it is also the payload offset
     */
    public long addData(long startBlock, int blocks, ByteBuffer data, byte[] sha256) {
        return addData(startBlock, blocks, data, sha256, true);
    }

    /**
     * As {@link #addData(long, int, ByteBuffer, byte[])}, but {@code sha256} (required) is taken as
     * given, not recomputed: for a caller that carries the hash the source engine computed when it
     * wrote those bytes (the streaming assembler), so that each payload byte is hashed once per
     * site. The bytes stay covered twice: by this file's digest, computed as they are written, and
     * by every importer, which verifies each range against {@code sha256} before it commits.
     */
    public long addHashedData(long startBlock, int blocks, ByteBuffer data, byte[] sha256) {
        return addData(startBlock, blocks, data, requireHash(sha256), false);
    }

    private long addData(
            long startBlock, int blocks, ByteBuffer data, byte[] sha256, boolean check) {
        requireOpen();
        reject(ranges.placementProblem(startBlock, blocks));
        long length = (long) blocks * BS;
        if (data.remaining() != length) {
            throw new InvalidArgumentException(
                    String.format(
                            "Data for blocks [%d, +%d) must be %d bytes, got %d",
                            startBlock, blocks, length, data.remaining()));
        }
        byte[] hash;
        if (check) {
            MessageDigest md = Hashes.sha256();
            md.update(data.duplicate());
            hash = md.digest();
            if (sha256 != null && !Arrays.equals(requireHash(sha256), hash)) {
                throw new InvalidArgumentException(
                        String.format(
                                "SHA-256 %s given for blocks [%d, +%d) does not match their data"
                                        + " (%s)",
                                Hex.encode(sha256), startBlock, blocks, Hex.encode(hash)));
            }
        } else {
            hash = sha256.clone();
        }
        long payloadOffset = ranges.nextPayloadOffset();
        long contentOffset = ranges.nextContentOffset();
        long before = sink.position();
        try {
            if (compression == Compression.NONE) {
                sink.write(data.duplicate());
            } else {
                writeFrame(data.duplicate(), length);
            }
        } catch (IOException e) {
            throw failed(e);
        } catch (RuntimeException | Error e) {
            fail();
            throw e;
        }
        append(
                new ExocloneRange.Data(
                        startBlock,
                        blocks,
                        payloadOffset,
                        sink.position() - before,
                        contentOffset,
                        compression,
                        hash));
        return contentOffset;
    }

    /**
     * Adds blocks whose bytes are the {@code sourceLength} bytes at byte {@code sourceOffset} of
     * the volume image that results from exo-clone {@code source} (this file's own UUID refers to
     * blocks before {@code startBlock} of its own resulting image). {@code sourceLength} must be
     * {@code blocks * 4096}.
     */
    public void addDedup(
            long startBlock,
            int blocks,
            UUID source,
            long sourceOffset,
            long sourceLength,
            byte[] sha256) {
        requireOpen();
        Objects.requireNonNull(source, "source");
        reject(ranges.placementProblem(startBlock, blocks));
        add(
                new ExocloneRange.Dedup(
                        startBlock,
                        blocks,
                        source,
                        sourceOffset,
                        sourceLength,
                        requireHash(sha256)));
    }

    /** Adds blocks that read as zeros. */
    public void addZero(long startBlock, long blocks) {
        requireOpen();
        add(new ExocloneRange.Zero(startBlock, blocks));
    }

    /** Adds blocks that are unmapped (discarded). */
    public void addTrim(long startBlock, long blocks) {
        requireOpen();
        add(new ExocloneRange.Trim(startBlock, blocks));
    }

    /**
     * Writes the dedup list, the metadata and the trailer, signs when a signer is given, and makes
     * the file visible (for a {@link Path}: fsync, then atomic rename).
     *
     * @param merkleRoot the 32-byte Merkle root of the resulting volume, computed by the engine
     * @param volumeSize the resulting volume's size in bytes, a multiple of 4096
     * @return the header a reader of the file will see
     */
    public ExocloneHeader finish(byte[] merkleRoot, long volumeSize, Optional<Signer> signer) {
        requireOpen();
        requireHash(merkleRoot);
        Objects.requireNonNull(signer, "signer");
        if (volumeSize < 0 || volumeSize % BS != 0) {
            throw new InvalidArgumentException(
                    "Volume size must be a non-negative multiple of " + BS + ", got " + volumeSize);
        }
        if (volumeSize / BS < ranges.endBlock()) {
            throw new InvalidArgumentException(
                    String.format(
                            "Volume size %d holds %d blocks, but ranges reach block %d",
                            volumeSize, volumeSize / BS, ranges.endBlock()));
        }
        try {
            ExocloneHeader header = writeTail(merkleRoot.clone(), volumeSize, signer);
            target.commit();
            state = State.FINISHED;
            return header;
        } catch (IOException e) {
            throw failed(e);
        } catch (RuntimeException | Error e) {
            fail();
            throw e;
        } finally {
            closeLog();
        }
    }

    private ExocloneHeader writeTail(byte[] merkleRoot, long volumeSize, Optional<Signer> signer)
            throws IOException {
        long payloadLength = sink.position() - Format.PAYLOAD_OFFSET;
        int payloadCrc = sink.sectionCrc();

        long dedupOffset = sink.position();
        sink.startSection();
        for (UUID u : ranges.collectedDedupUuids()) {
            sink.write(Uuids.toBytes(u));
        }
        int dedupCrc = sink.sectionCrc();

        long metadataOffset = sink.position();
        sink.startSection();
        MetadataWriter.write(
                sink.stream(),
                uuid,
                ranges.summary(volumeSize, merkleRoot).withOrigin(origin),
                log);
        int metadataCrc = sink.sectionCrc();

        long trailerOffset = sink.position();
        Trailer unsigned =
                new Trailer(
                        Format.MAJOR_VERSION,
                        Format.MINOR_VERSION,
                        signer.isPresent() ? Format.SIGNATURE_ED25519 : Format.SIGNATURE_NONE,
                        volumeSize,
                        Format.PAYLOAD_OFFSET,
                        payloadLength,
                        dedupOffset,
                        metadataOffset - dedupOffset,
                        metadataOffset,
                        trailerOffset - metadataOffset,
                        trailerOffset,
                        payloadCrc,
                        dedupCrc,
                        metadataCrc,
                        new byte[Format.HASH_SIZE],
                        new byte[Format.HASH_SIZE],
                        new byte[Format.SIGNATURE_SIZE]);
        sink.write(unsigned.encode(), 0, Format.TRAILER_DIGEST_AT);
        byte[] digest = sink.digest();
        byte[] fingerprint = new byte[Format.HASH_SIZE];
        byte[] signature = new byte[Format.SIGNATURE_SIZE];
        if (signer.isPresent()) {
            fingerprint = signer.get().fingerprint();
            signature = signer.get().sign(Signing.message(digest, fingerprint));
        }
        Trailer trailer =
                new Trailer(
                        unsigned.major(),
                        unsigned.minor(),
                        unsigned.signatureAlgorithm(),
                        volumeSize,
                        Format.PAYLOAD_OFFSET,
                        payloadLength,
                        dedupOffset,
                        unsigned.dedupLength(),
                        metadataOffset,
                        unsigned.metadataLength(),
                        trailerOffset,
                        payloadCrc,
                        dedupCrc,
                        metadataCrc,
                        digest,
                        fingerprint,
                        signature);
        byte[] bytes = trailer.encode();
        sink.write(bytes, Format.TRAILER_DIGEST_AT, bytes.length - Format.TRAILER_DIGEST_AT);
        sink.flush();
        return new ExocloneHeader(
                Format.MAJOR_VERSION,
                Format.MINOR_VERSION,
                compression == Compression.LZ4 ? ExocloneHeader.FLAG_LZ4 : 0,
                uuid,
                Optional.ofNullable(parent),
                volumeSize,
                BS,
                created,
                new ExocloneHeader.Sections(
                        Format.PAYLOAD_OFFSET,
                        payloadLength,
                        dedupOffset,
                        trailer.dedupLength(),
                        metadataOffset,
                        trailer.metadataLength(),
                        trailerOffset,
                        Format.TRAILER_SIZE));
    }

    /**
     * Sets (or replaces) where the exo-clone comes from, recorded in the summary at {@link
     * #finish}: a streaming writer may learn it only at the end.
     */
    public void origin(Origin origin) {
        requireOpen();
        this.origin = origin;
    }

    /** Bytes of the file so far, header included (some may still be buffered). */
    public long position() {
        return sink.position();
    }

    /**
     * Hands every byte added so far to the target: an {@link OutputStream} is flushed, a channel
     * written. Making them durable (fsync, hsync) is the caller's business. Together with {@link
     * #position()} and the ranges added, that is what {@link Builder#resume} needs to continue the
     * file after a restart.
     */
    public void flush() {
        requireOpen();
        try {
            sink.flush();
            target.flush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Abandons the file unless {@link #finish} succeeded. */
    @Override
    public void close() {
        if (state == State.OPEN) {
            fail();
        }
        closeLog();
    }

    private void writeFrame(ByteBuffer data, long length) throws IOException {
        LZ4FrameOutputStream frame =
                new LZ4FrameOutputStream(
                        sink.stream(),
                        LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                        length,
                        LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                        LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE,
                        LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
        if (data.hasArray()) {
            frame.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
        } else {
            byte[] chunk = new byte[64 * 1024];
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                frame.write(chunk, 0, n);
            }
        }
        frame.close();
    }

    private void add(ExocloneRange range) {
        reject(ranges.problem(range));
        append(range);
    }

    private void append(ExocloneRange range) {
        ranges.accept(range);
        try {
            log.append(range);
        } catch (IOException e) {
            throw failed(e);
        } catch (RuntimeException | Error e) {
            fail();
            throw e;
        }
    }

    private static void reject(String problem) {
        if (problem != null) {
            throw new InvalidArgumentException("Expected " + problem);
        }
    }

    private static byte[] requireHash(byte[] hash) {
        if (hash == null || hash.length != Format.HASH_SIZE) {
            throw new InvalidArgumentException(
                    "A SHA-256 hash must be 32 bytes, got "
                            + (hash == null ? "null" : hash.length + " bytes"));
        }
        return hash;
    }

    /**
     * Temporary files of writers that died (killed exports) that opening this writer removed from
     * the target's directory; empty for streams.
     */
    public List<Path> removedStaleFiles() {
        return target.removedStale();
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new ExocloneException(
                    "Exo-clone writer for " + target.name() + " is " + state.name().toLowerCase());
        }
    }

    private ExocloneException failed(IOException e) {
        fail();
        return new ExocloneException(
                "Cannot write exo-clone " + target.name() + ": " + e.getMessage(), e);
    }

    private void fail() {
        state = State.FAILED;
        target.abort();
        closeLog();
    }

    private void closeLog() {
        try {
            log.close();
        } catch (IOException e) {
            // Only a temporary spill file is at stake.
        }
    }

    /** Options of a new exo-clone file; {@code open} checks them. */
    public static final class Builder {
        private final UUID uuid;
        private UUID parent;
        private Compression compression = Compression.NONE;
        private Instant created;
        private int spillThreshold = RangeLog.DEFAULT_SPILL_THRESHOLD;
        private Origin origin;

        private Builder(UUID uuid) {
            this.uuid = uuid;
        }

        /** The exo-clone this one is a change against; none for a first exo-clone. */
        public Builder parent(Optional<UUID> parent) {
            this.parent = parent.orElse(null);
            return this;
        }

        public Builder parent(UUID parent) {
            return parent(Optional.of(parent));
        }

        public Builder compression(Compression compression) {
            this.compression = compression;
            return this;
        }

        /** Creation time, kept to the millisecond; defaults to now. */
        public Builder created(Instant created) {
            this.created = created;
            return this;
        }

        /** Where the exo-clone comes from (volume name and id, tag, merge parent); optional. */
        public Builder origin(Origin origin) {
            this.origin = origin;
            return this;
        }

        /** Bytes of range records kept in memory before they spill to a temporary file. */
        Builder spillThreshold(int bytes) {
            this.spillThreshold = bytes;
            return this;
        }

        /** Writes to a temporary file next to {@code file}, renamed to it by finish. */
        public ExocloneWriter open(Path file) {
            check();
            WriteTarget target;
            try {
                target = WriteTarget.file(file);
            } catch (IOException e) {
                throw new ExocloneException("Cannot create " + file + ": " + e.getMessage(), e);
            }
            return open(target);
        }

        /**
         * Continues a file that a writer with the same options (UUID, parent, compression, created)
         * began and {@link ExocloneWriter#flush() flushed}: {@code written} reads its first {@code
         * writtenLength} bytes (header and payload so far; they are read once, to take over the
         * file digest and the payload CRC), {@code done} are the ranges added to it, in order, and
         * new bytes go to {@code out}, which must append to exactly those bytes. The result is byte
         * for byte the file an uninterrupted writer would have written.
         *
         * @throws InvalidArgumentException when the bytes do not start with this header or the
         *     ranges do not account for the payload
         */
        public ExocloneWriter resume(
                InputStream written,
                long writtenLength,
                List<? extends ExocloneRange> done,
                OutputStream out) {
            check();
            Objects.requireNonNull(written, "written");
            Objects.requireNonNull(done, "done");
            WriteTarget target = WriteTarget.stream(Objects.requireNonNull(out, "out"));
            ExocloneWriter w;
            try {
                w = new ExocloneWriter(this, target);
            } catch (IOException e) {
                throw new ExocloneException("Cannot resume exo-clone: " + e.getMessage(), e);
            }
            try {
                w.absorb(written, writtenLength, done);
                return w;
            } catch (IOException e) {
                w.close();
                throw new ExocloneException(
                        "Cannot read the exo-clone to resume: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                w.close();
                throw e;
            }
        }

        /** Writes to {@code out} and flushes it at finish; the caller closes it. */
        public ExocloneWriter open(OutputStream out) {
            check();
            return open(WriteTarget.stream(Objects.requireNonNull(out, "out")));
        }

        public ExocloneWriter open(WritableByteChannel out) {
            check();
            return open(WriteTarget.channel(Objects.requireNonNull(out, "out")));
        }

        private ExocloneWriter open(WriteTarget target) {
            try {
                ExocloneWriter w = new ExocloneWriter(this, target);
                w.writeHeader();
                return w;
            } catch (IOException e) {
                target.abort();
                throw new ExocloneException(
                        "Cannot write exo-clone " + target.name() + ": " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                target.abort();
                throw e;
            }
        }

        private void check() {
            if (uuid == null || uuid.equals(Uuids.NIL)) {
                throw new InvalidArgumentException(
                        "An exo-clone needs a non-nil UUID, got " + uuid);
            }
            if (uuid.equals(parent)) {
                throw new InvalidArgumentException(
                        "Exo-clone " + uuid + " cannot be its own parent");
            }
            if (Uuids.NIL.equals(parent)) {
                throw new InvalidArgumentException("The parent UUID cannot be the nil UUID");
            }
            Objects.requireNonNull(compression, "compression");
            created = (created == null ? Instant.now() : created).truncatedTo(ChronoUnit.MILLIS);
        }
    }
}

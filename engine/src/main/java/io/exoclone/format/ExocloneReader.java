package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.Hex;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * Opens an exo-clone file. {@link #open} checks the header, the trailer, the dedup list and the
 * metadata container (CRCs included) without reading the payload; {@link #verify} checks everything
 * else. Every problem with the file's bytes is a {@link CorruptDataException} (or a subclass)
 * naming the file, the offset and what was expected.
 */
public final class ExocloneReader implements Closeable {
    private final Path path;
    private final String file;
    private final FileChannel ch;
    private final long fileSize;
    private final ExocloneHeader header;
    private final Trailer trailer;
    private final List<UUID> dedupUuids;
    private final MetadataReader metadata;

    private ExocloneReader(Path path, FileChannel ch) throws IOException {
        this.path = path;
        this.file = path.toString();
        this.ch = ch;
        this.fileSize = ch.size();
        HeaderCodec.Fields h = HeaderCodec.decode(ch, file, fileSize);
        this.trailer = Trailer.decode(ch, file, fileSize);
        checkLayout(h);
        this.header =
                new ExocloneHeader(
                        h.major(),
                        h.minor(),
                        h.flags(),
                        h.uuid(),
                        Optional.ofNullable(h.parent()),
                        trailer.volumeSize(),
                        h.blockSize(),
                        Instant.ofEpochMilli(h.createdMillis()),
                        new ExocloneHeader.Sections(
                                trailer.payloadOffset(),
                                trailer.payloadLength(),
                                trailer.dedupOffset(),
                                trailer.dedupLength(),
                                trailer.metadataOffset(),
                                trailer.metadataLength(),
                                trailer.trailerOffset(),
                                Format.TRAILER_SIZE));
        this.dedupUuids = readDedup();
        checkCrc(
                "metadata",
                trailer.metadataOffset(),
                trailer.metadataLength(),
                trailer.metadataCrc());
        this.metadata =
                MetadataReader.open(ch, file, trailer.metadataOffset(), trailer.metadataLength());
        checkSummary(metadata.summary());
    }

    /** Opens and checks everything but the payload; see {@link #verify} for the rest. */
    public static ExocloneReader open(Path file) {
        if (Files.isDirectory(file)) {
            throw new InvalidArgumentException(
                    "Expected an exo-clone file, got a directory: " + file);
        }
        if (!Files.exists(file)) {
            throw new NotFoundException("No exo-clone file " + file);
        }
        if (!Files.isRegularFile(file)) {
            // A FIFO or device would block or never end: an exo-clone is read from its trailer.
            throw new InvalidArgumentException(
                    "Expected an exo-clone file, got "
                            + kind(file)
                            + ": "
                            + file
                            + " (exo-clones are read from the end, so only regular files work;"
                            + " import reads one from stdin with '-')");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ExocloneException("Cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            return new ExocloneReader(file, ch);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof IOException io
                    ? Errors.io(file.toString(), io)
                    : (RuntimeException) e;
        }
    }

    /** What a file that is not a regular file is, for a message. */
    static String kind(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            switch (mode & 0170000) {
                case 0010000:
                    return "a FIFO";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    return "not a regular file";
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "not a regular file";
        }
    }

    public Path path() {
        return path;
    }

    public ExocloneHeader header() {
        return header;
    }

    /** The exo-clones whose content this one references, in the file's (unsigned) order. */
    public List<UUID> dedupUuids() {
        return dedupUuids;
    }

    /** The resulting volume's Merkle root, as the exporting engine computed it. */
    public byte[] merkleRoot() {
        return metadata.summary().merkleRoot().clone();
    }

    /** Where the exo-clone comes from, when its writer recorded it. */
    public Optional<Origin> origin() {
        return Optional.ofNullable(metadata.summary().origin());
    }

    Summary summary() {
        return metadata.summary();
    }

    /**
     * The ranges in ascending block order, read block by block from the metadata (never all at
     * once). Each range is checked as it is read: order, volume bounds, payload bounds, dedup
     * sources; a bad one throws {@link CorruptDataException} from {@code next}.
     */
    public Iterator<ExocloneRange> ranges() {
        return new CheckedRanges();
    }

    /**
     * Absolute file offset of a DATA range's stored bytes: for an uncompressed file, its blocks
     * exactly as they must appear in the volume, block-aligned, for in-place (zero-copy) use.
     */
    public long payloadFileOffset(ExocloneRange.Data range) {
        requireInPayload(range);
        return header.sections().payloadOffset() + range.payloadOffset();
    }

    /**
     * The uncompressed bytes of a DATA range (decompressing an LZ4 frame). The stream throws {@link
     * CorruptDataException} when the stored bytes do not hold exactly the range.
     */
    public InputStream openData(ExocloneRange.Data range) {
        long at = payloadFileOffset(range);
        ChannelStream stored = new ChannelStream(ch, at, range.storedLength());
        if (range.compression() == Compression.NONE) {
            return stored;
        }
        try {
            return new FrameStream(
                    new LZ4FrameInputStream(stored, true),
                    stored,
                    range.uncompressedLength(),
                    file,
                    at);
        } catch (IOException | RuntimeException e) {
            throw new CorruptDataException(file, at, "an LZ4 frame: " + e.getMessage());
        }
    }

    /**
     * Checks what {@link #open} did not: the payload CRC32C, the SHA-256 of the whole file, the
     * signature when a trusted key is given (the file must then be signed by that key), every range
     * (order, bounds, dedup sources, each DATA range's SHA-256 over its uncompressed bytes), and
     * that the summary's counts and totals match the ranges.
     */
    public void verify(Optional<PublicKey> trusted) {
        try {
            checkDigestAndPayload();
            if (trusted.isPresent()) {
                checkSignature(trusted.get());
            }
            checkRanges();
        } catch (IOException e) {
            throw Errors.io(file, e);
        }
    }

    /** The facts {@code exoclone inspect} prints. */
    public Inspect inspect() {
        ExocloneHeader.Sections s = header.sections();
        Summary sum = metadata.summary();
        List<String> flagNames = new ArrayList<>();
        if ((header.flags() & ExocloneHeader.FLAG_LZ4) != 0) {
            flagNames.add("lz4");
        }
        for (int bit = 32; bit < 64; bit++) {
            if ((header.flags() & (1L << bit)) != 0) {
                flagNames.add("optional-" + bit);
            }
        }
        List<String> dedup = dedupUuids.stream().map(UUID::toString).toList();
        return new Inspect(
                path.getFileName().toString(),
                fileSize,
                Format.version(header.majorVersion(), header.minorVersion()),
                header.flags(),
                flagNames,
                header.compression().name().toLowerCase(),
                new Inspect.Lineage(
                        header.uuid().toString(),
                        header.parentUuid().map(UUID::toString).orElse(null),
                        dedup),
                header.created().toString(),
                header.volumeSize(),
                header.blockSize(),
                Hex.encode(sum.merkleRoot()),
                new Inspect.Sections(
                        new Inspect.Section(s.payloadOffset(), s.payloadLength()),
                        new Inspect.Section(s.dedupOffset(), s.dedupLength()),
                        new Inspect.Section(s.metadataOffset(), s.metadataLength()),
                        new Inspect.Section(s.trailerOffset(), s.trailerLength())),
                new Inspect.Ranges(
                        sum.rangeCount(),
                        sum.dataRanges(),
                        sum.dedupRanges(),
                        sum.zeroRanges(),
                        sum.trimRanges()),
                new Inspect.Bytes(
                        sum.payloadBytes(),
                        sum.dataBytes(),
                        sum.dedupBytes(),
                        sum.zeroBytes(),
                        sum.trimBytes()),
                trailer.signed(),
                trailer.signed() ? Hex.encode(trailer.fingerprint()) : null,
                Hex.encode(trailer.digest()));
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            throw new ExocloneException("Cannot close " + file + ": " + e.getMessage(), e);
        }
    }

    private void checkLayout(HeaderCodec.Fields h) {
        long t = fileSize - Format.TRAILER_SIZE;
        if (trailer.major() != h.major() || trailer.minor() != h.minor()) {
            throw corrupt(
                    t,
                    String.format(
                            "trailer version %s like the header, got %s",
                            Format.version(h.major(), h.minor()),
                            Format.version(trailer.major(), trailer.minor())));
        }
        long volumeSize = trailer.volumeSize();
        if (volumeSize < 0 || volumeSize % h.blockSize() != 0) {
            throw corrupt(
                    t + Trailer.AT_VOLUME_SIZE,
                    "a volume size that is a non-negative multiple of the block size, got "
                            + volumeSize);
        }
        if (trailer.trailerOffset() != t) {
            throw corrupt(t + 0x40, "trailer offset " + t + ", got " + trailer.trailerOffset());
        }
        if (trailer.payloadOffset() != h.payloadOffset()) {
            throw corrupt(
                    t + 0x10,
                    "payload offset "
                            + h.payloadOffset()
                            + " as in the header, got "
                            + trailer.payloadOffset());
        }
        long end = section("payload", 0x10, trailer.payloadOffset(), trailer.payloadLength(), 0);
        end = section("dedup", 0x20, trailer.dedupOffset(), trailer.dedupLength(), end);
        section("metadata", 0x30, trailer.metadataOffset(), trailer.metadataLength(), end);
        if (trailer.dedupLength() % Format.UUID_SIZE != 0
                || trailer.dedupLength() / Format.UUID_SIZE > Format.MAX_DEDUP_UUIDS) {
            throw corrupt(
                    t + 0x28,
                    "a dedup section of at most "
                            + Format.MAX_DEDUP_UUIDS
                            + " 16-byte UUIDs, got "
                            + trailer.dedupLength()
                            + " bytes");
        }
    }

    /** Checks that a section lies between {@code from} and the trailer; returns its end. */
    private long section(String name, int field, long offset, long length, long from) {
        long t = fileSize - Format.TRAILER_SIZE;
        if (offset < from || offset > t || length < 0 || length > t - offset) {
            throw corrupt(
                    t + field,
                    String.format(
                            "the %s section inside [%d, %d), got offset %d length %d",
                            name, from, t, offset, length));
        }
        return offset + length;
    }

    private List<UUID> readDedup() throws IOException {
        long at = trailer.dedupOffset();
        ByteBuffer b = Io.read(ch, at, (int) trailer.dedupLength());
        checkCrc("dedup", at, b, trailer.dedupCrc());
        List<UUID> list = new ArrayList<>();
        for (int i = 0; i < b.capacity(); i += Format.UUID_SIZE) {
            UUID u = Uuids.fromBytes(b.array(), i);
            if (u.equals(Uuids.NIL) || u.equals(header.uuid())) {
                throw corrupt(at + i, "a dedup UUID other than nil and the file's own, got " + u);
            }
            if (!list.isEmpty() && Uuids.UNSIGNED.compare(list.get(list.size() - 1), u) >= 0) {
                throw corrupt(at + i, "dedup UUIDs in strictly ascending (unsigned) order");
            }
            list.add(u);
        }
        return Collections.unmodifiableList(list);
    }

    private void checkSummary(Summary s) {
        long at = trailer.metadataOffset();
        String problem = null;
        if (s.volumeSize() != header.volumeSize()) {
            problem = "volume size " + header.volumeSize() + " as in the trailer";
        } else if (s.blockSize() != header.blockSize()) {
            problem = "block size " + header.blockSize() + " as in the header";
        } else if (s.payloadBytes() != header.sections().payloadLength()) {
            problem = "payload bytes " + header.sections().payloadLength() + " as in the trailer";
        } else if (s.dedupUuidCount() != dedupUuids.size()) {
            problem = dedupUuids.size() + " dedup UUIDs as in the dedup section";
        } else if (s.rangeCount()
                != s.dataRanges() + s.dedupRanges() + s.zeroRanges() + s.trimRanges()) {
            problem = "a range count equal to the sum of the counts per kind";
        } else if (s.merkleRoot().length != Format.HASH_SIZE) {
            problem = "a 32-byte Merkle root";
        }
        if (problem != null) {
            throw corrupt(at, "a metadata summary with " + problem);
        }
    }

    private void checkCrc(String name, long offset, long length, int expected) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (long pos = offset; pos < offset + length; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), offset + length - pos));
            Io.readFully(ch, pos, buf);
            crc.update(buf.flip());
            pos += buf.limit();
        }
        compareCrc(name, offset, (int) crc.getValue(), expected);
    }

    private void checkCrc(String name, long offset, ByteBuffer bytes, int expected) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        compareCrc(name, offset, (int) crc.getValue(), expected);
    }

    private void compareCrc(String name, long offset, int computed, int expected) {
        if (computed != expected) {
            throw corrupt(
                    offset,
                    String.format(
                            "%s section CRC32C %08x (from the trailer), computed %08x",
                            name, expected, computed));
        }
    }

    /** One pass over the file: SHA-256 up to the trailer's digest field, CRC32C of the payload. */
    private void checkDigestAndPayload() throws IOException {
        long digestEnd = trailer.trailerOffset() + Format.TRAILER_DIGEST_AT;
        long payloadStart = trailer.payloadOffset();
        long payloadEnd = payloadStart + trailer.payloadLength();
        MessageDigest sha = Hashes.sha256();
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (long pos = 0; pos < digestEnd; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), digestEnd - pos));
            Io.readFully(ch, pos, buf);
            buf.flip();
            long from = Math.max(pos, payloadStart);
            long to = Math.min(pos + buf.limit(), payloadEnd);
            if (from < to) {
                crc.update(buf.duplicate().position((int) (from - pos)).limit((int) (to - pos)));
            }
            sha.update(buf);
            pos += buf.limit();
        }
        compareCrc("payload", payloadStart, (int) crc.getValue(), trailer.payloadCrc());
        byte[] digest = sha.digest();
        if (!Arrays.equals(digest, trailer.digest())) {
            throw corrupt(
                    trailer.trailerOffset() + Trailer.AT_DIGEST,
                    String.format(
                            "SHA-256 %s of bytes [0, %d) (from the trailer), computed %s",
                            Hex.encode(trailer.digest()), digestEnd, Hex.encode(digest)));
        }
    }

    private void checkSignature(PublicKey trusted) {
        byte[] expected = Signing.fingerprint(trusted);
        long t = trailer.trailerOffset();
        if (!trailer.signed()) {
            throw new BadSignatureException(
                    file,
                    t + 4,
                    "a file signed by trusted key "
                            + Hex.encode(expected)
                            + ", got an unsigned file");
        }
        if (trailer.signatureAlgorithm() != Format.SIGNATURE_ED25519) {
            throw new BadSignatureException(
                    file,
                    t + 4,
                    "signature algorithm 1 (Ed25519), got " + trailer.signatureAlgorithm());
        }
        if (!Arrays.equals(trailer.fingerprint(), expected)) {
            throw new BadSignatureException(
                    file,
                    t + Trailer.AT_FINGERPRINT,
                    "a signature by trusted key "
                            + Hex.encode(expected)
                            + ", got one by key "
                            + Hex.encode(trailer.fingerprint()));
        }
        byte[] message = Signing.message(trailer.digest(), trailer.fingerprint());
        if (!Signing.verify(trusted, message, trailer.signature())) {
            throw new BadSignatureException(
                    file,
                    t + Trailer.AT_SIGNATURE,
                    "a valid Ed25519 signature by key " + Hex.encode(expected) + " of the digest");
        }
    }

    private void checkRanges() throws IOException {
        CheckedRanges it = new CheckedRanges();
        byte[] buf = new byte[64 * 1024];
        while (it.hasNext()) {
            ExocloneRange r = it.next();
            if (r instanceof ExocloneRange.Data d) {
                MessageDigest sha = Hashes.sha256();
                try (InputStream in = openData(d)) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        sha.update(buf, 0, n);
                    }
                }
                byte[] computed = sha.digest();
                if (!Arrays.equals(computed, d.sha256())) {
                    throw corrupt(
                            payloadFileOffset(d),
                            String.format(
                                    "range #%d (blocks [%d, +%d)): content SHA-256 %s, computed %s",
                                    it.records.index(),
                                    d.startBlock(),
                                    d.blockCount(),
                                    Hex.encode(d.sha256()),
                                    Hex.encode(computed)));
                }
            }
        }
        String problem = it.sequence.endProblem();
        if (problem == null) {
            problem =
                    metadata.summary()
                            .difference(it.sequence.summary(header.volumeSize(), merkleRoot()));
            if (problem != null) {
                problem = "summary totals that match the ranges, got " + problem;
            }
        }
        if (problem != null) {
            throw corrupt(trailer.metadataOffset(), problem);
        }
    }

    private void requireInPayload(ExocloneRange.Data r) {
        long length = header.sections().payloadLength();
        if (r.payloadOffset() < 0
                || r.storedLength() <= 0
                || r.payloadOffset() > length
                || r.storedLength() > length - r.payloadOffset()) {
            throw new InvalidArgumentException(
                    String.format(
                            "DATA range stored at [%d, +%d) lies outside the payload of %d bytes"
                                    + " of %s",
                            r.payloadOffset(), r.storedLength(), length, file));
        }
    }

    private CorruptDataException corrupt(long offset, String expected) {
        return new CorruptDataException(file, offset, expected);
    }

    /** Ranges from the metadata, each checked against the rules of the sequence. */
    private final class CheckedRanges implements Iterator<ExocloneRange> {
        final MetadataReader.Records records = metadata.records();
        final RangeSequence sequence = RangeSequence.forReader(header, dedupUuids);

        @Override
        public boolean hasNext() {
            return records.hasNext();
        }

        @Override
        public ExocloneRange next() {
            ExocloneRange r = records.next();
            String problem = sequence.problem(r);
            if (problem != null) {
                throw records.corrupt(problem);
            }
            sequence.accept(r);
            return r;
        }
    }
}

package io.exoclone.format;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a reader knows about an exo-clone file before reading its ranges: the identity written in
 * the leading header and the layout and volume size recorded in the trailer (FORMAT.md explains why
 * the layout lives in the trailer).
 *
 * @param majorVersion format major version; readers reject majors they do not know
 * @param minorVersion format minor version; later minors only add what older readers may ignore
 * @param flags must-understand flags in the low 32 bits, optional flags in the high 32 bits
 * @param uuid the exo-clone's UUID, which names it forever
 * @param parentUuid the exo-clone this one is a change against, empty for a first exo-clone
 * @param volumeSize logical size in bytes of the resulting volume
 * @param blockSize bytes per block (4096)
 * @param created creation time, millisecond precision
 * @param sections where the sections lie in the file
 */
public record ExocloneHeader(
        int majorVersion,
        int minorVersion,
        long flags,
        UUID uuid,
        Optional<UUID> parentUuid,
        long volumeSize,
        int blockSize,
        Instant created,
        Sections sections) {

    /** Payload DATA ranges are LZ4 frames (must understand). */
    public static final long FLAG_LZ4 = 1L;

    /** Flag bits a reader must reject when it does not know them. */
    public static final long MUST_UNDERSTAND_MASK = 0x0000_0000_FFFF_FFFFL;

    /** Flag bits a reader ignores when it does not know them. */
    public static final long OPTIONAL_MASK = 0xFFFF_FFFF_0000_0000L;

    /** The must-understand flags this version knows. */
    public static final long KNOWN_FLAGS = FLAG_LZ4;

    public ExocloneHeader {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(parentUuid, "parentUuid");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(sections, "sections");
    }

    public Compression compression() {
        return (flags & FLAG_LZ4) != 0 ? Compression.LZ4 : Compression.NONE;
    }

    public long volumeBlocks() {
        return volumeSize / blockSize;
    }

    public long fileSize() {
        return sections.trailerOffset() + sections.trailerLength();
    }

    /** Offsets (from the start of the file) and lengths in bytes of the four sections. */
    public record Sections(
            long payloadOffset,
            long payloadLength,
            long dedupOffset,
            long dedupLength,
            long metadataOffset,
            long metadataLength,
            long trailerOffset,
            long trailerLength) {}
}

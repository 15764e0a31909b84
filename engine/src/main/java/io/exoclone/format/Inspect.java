package io.exoclone.format;

import java.util.List;

/**
 * What {@code exoclone inspect FILE} shows, from the header, trailer, dedup list and metadata
 * summary (no scan of the ranges). Plain values, so Jackson prints it as JSON as it is.
 *
 * @param file the file name (without directories)
 * @param signerFingerprint hex SHA-256 of the signer's public key, null when unsigned
 */
public record Inspect(
        String file,
        long fileSize,
        String formatVersion,
        long flags,
        List<String> flagNames,
        String compression,
        Lineage lineage,
        String created,
        long volumeSize,
        int blockSize,
        String merkleRoot,
        Sections sections,
        Ranges ranges,
        Bytes bytes,
        boolean signed,
        String signerFingerprint,
        String digest) {

    /**
     * @param parent null for a first exo-clone
     */
    public record Lineage(String uuid, String parent, List<String> dedup) {}

    public record Section(long offset, long length) {}

    public record Sections(Section payload, Section dedup, Section metadata, Section trailer) {}

    public record Ranges(long total, long data, long dedup, long zero, long trim) {}

    /**
     * @param payload stored payload bytes; the others are uncompressed bytes of each kind
     */
    public record Bytes(long payload, long data, long dedup, long zero, long trim) {}

    /** A human-readable rendering, one fact a line. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        line(b, "exo-clone", lineage.uuid());
        line(b, "file", String.format("%s, %d bytes, format %s", file, fileSize, formatVersion));
        line(b, "flags", String.format("0x%x %s", flags, flagNames));
        line(b, "compression", compression);
        line(b, "parent", lineage.parent() == null ? "none" : lineage.parent());
        line(b, "dedup", lineage.dedup().size() + " exo-clone(s)");
        for (String u : lineage.dedup()) {
            line(b, "", u);
        }
        line(b, "created", created);
        line(
                b,
                "volume",
                String.format(
                        "%d bytes (%d blocks of %d)",
                        volumeSize, volumeSize / blockSize, blockSize));
        line(b, "merkle root", merkleRoot);
        section(b, "payload", sections.payload());
        section(b, "dedup list", sections.dedup());
        section(b, "metadata", sections.metadata());
        section(b, "trailer", sections.trailer());
        line(
                b,
                "ranges",
                String.format(
                        "%d (data %d, dedup %d, zero %d, trim %d)",
                        ranges.total(),
                        ranges.data(),
                        ranges.dedup(),
                        ranges.zero(),
                        ranges.trim()));
        line(
                b,
                "bytes",
                String.format(
                        "payload %d stored; data %d, dedup %d, zero %d, trim %d",
                        bytes.payload(), bytes.data(), bytes.dedup(), bytes.zero(), bytes.trim()));
        line(b, "signature", signed ? "Ed25519, key " + signerFingerprint : "none");
        line(b, "digest", "sha256 " + digest);
        return b.toString();
    }

    private static void section(StringBuilder b, String name, Section s) {
        line(b, name, String.format("offset %d, %d bytes", s.offset(), s.length()));
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format("%-12s %s%n", key, value));
    }
}

package io.exoclone.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Takes a valid file apart so a test can change one part, then puts it back together with every
 * offset, CRC32C, the digest and (optionally) the signature recomputed: the change then reaches the
 * checks behind the checksums.
 */
final class Reseal {
    byte[] header;
    byte[] payload;
    byte[] dedup;
    byte[] metadata;
    long volumeSize;
    int trailerMajor;
    int trailerMinor;
    int signatureAlgorithm;
    Optional<Signer> signer = Optional.empty();
    boolean flipSignatureBit;

    static Reseal of(Path file) throws IOException {
        Reseal r = new Reseal();
        byte[] all = Files.readAllBytes(file);
        Trailer t;
        try (FileChannel ch = FileChannel.open(file)) {
            t = Trailer.decode(ch, file.toString(), ch.size());
        }
        r.header = Arrays.copyOfRange(all, 0, (int) t.payloadOffset());
        r.payload = slice(all, t.payloadOffset(), t.payloadLength());
        r.dedup = slice(all, t.dedupOffset(), t.dedupLength());
        r.metadata = slice(all, t.metadataOffset(), t.metadataLength());
        r.volumeSize = t.volumeSize();
        r.trailerMajor = t.major();
        r.trailerMinor = t.minor();
        r.signatureAlgorithm = Format.SIGNATURE_NONE;
        return r;
    }

    /** An independent copy to damage. */
    Reseal copy() {
        Reseal r = new Reseal();
        r.header = header.clone();
        r.payload = payload.clone();
        r.dedup = dedup.clone();
        r.metadata = metadata.clone();
        r.volumeSize = volumeSize;
        r.trailerMajor = trailerMajor;
        r.trailerMinor = trailerMinor;
        r.signatureAlgorithm = signatureAlgorithm;
        r.signer = signer;
        return r;
    }

    private static byte[] slice(byte[] all, long offset, long length) {
        return Arrays.copyOfRange(all, (int) offset, (int) (offset + length));
    }

    /** Replaces the metadata with a container holding these ranges and this summary. */
    Reseal ranges(UUID uuid, Summary summary, List<ExocloneRange> ranges) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RangeLog log = new RangeLog(1 << 20, null)) {
            for (ExocloneRange r : ranges) {
                log.append(r);
            }
            MetadataWriter.write(out, uuid, summary, log);
        }
        metadata = out.toByteArray();
        return this;
    }

    /** Sets a header field (little-endian) and recomputes the header CRC32C. */
    Reseal headerShort(int at, int value) {
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
        return fixHeaderCrc();
    }

    Reseal headerLong(int at, long value) {
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return fixHeaderCrc();
    }

    Reseal fixHeaderCrc() {
        CRC32C crc = new CRC32C();
        crc.update(header, 0, Format.HEADER_SIZE - 4);
        ByteBuffer.wrap(header)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(Format.HEADER_SIZE - 4, (int) crc.getValue());
        return this;
    }

    byte[] bytes() {
        long dedupOffset = header.length + payload.length;
        long metadataOffset = dedupOffset + dedup.length;
        long trailerOffset = metadataOffset + metadata.length;
        int algorithm = signer.isPresent() ? Format.SIGNATURE_ED25519 : signatureAlgorithm;
        Trailer unsigned =
                new Trailer(
                        trailerMajor,
                        trailerMinor,
                        algorithm,
                        volumeSize,
                        header.length,
                        payload.length,
                        dedupOffset,
                        dedup.length,
                        metadataOffset,
                        metadata.length,
                        trailerOffset,
                        crc(payload),
                        crc(dedup),
                        crc(metadata),
                        new byte[32],
                        new byte[32],
                        new byte[64]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(payload);
        out.writeBytes(dedup);
        out.writeBytes(metadata);
        out.write(unsigned.encode(), 0, Format.TRAILER_DIGEST_AT);
        MessageDigest sha = Hashes.sha256();
        byte[] digest = sha.digest(out.toByteArray());
        byte[] fingerprint = new byte[32];
        byte[] signature = new byte[64];
        if (signer.isPresent()) {
            fingerprint = signer.get().fingerprint();
            signature = signer.get().sign(Signing.message(digest, fingerprint));
            if (flipSignatureBit) {
                signature[10] ^= 4;
            }
        }
        Trailer t =
                new Trailer(
                        trailerMajor,
                        trailerMinor,
                        algorithm,
                        volumeSize,
                        header.length,
                        payload.length,
                        dedupOffset,
                        dedup.length,
                        metadataOffset,
                        metadata.length,
                        trailerOffset,
                        unsigned.payloadCrc(),
                        unsigned.dedupCrc(),
                        unsigned.metadataCrc(),
                        digest,
                        fingerprint,
                        signature);
        byte[] trailer = t.encode();
        out.write(trailer, Format.TRAILER_DIGEST_AT, trailer.length - Format.TRAILER_DIGEST_AT);
        return out.toByteArray();
    }

    Path writeTo(Path file) throws IOException {
        return Files.write(file, bytes());
    }

    private static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }
}

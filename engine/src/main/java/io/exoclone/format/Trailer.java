package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** The fixed-size trailer at the end of the file (FORMAT.md, "Trailer"). */
record Trailer(
        int major,
        int minor,
        int signatureAlgorithm,
        long volumeSize,
        long payloadOffset,
        long payloadLength,
        long dedupOffset,
        long dedupLength,
        long metadataOffset,
        long metadataLength,
        long trailerOffset,
        int payloadCrc,
        int dedupCrc,
        int metadataCrc,
        byte[] digest,
        byte[] fingerprint,
        byte[] signature) {

    static final int AT_VOLUME_SIZE = 0x08;
    static final int AT_PAYLOAD_CRC = 0x48;
    static final int AT_DEDUP_CRC = 0x4C;
    static final int AT_METADATA_CRC = 0x50;
    static final int AT_DIGEST = Format.TRAILER_DIGEST_AT;
    static final int AT_FINGERPRINT = 0x80;
    static final int AT_SIGNATURE = 0xA0;
    static final int AT_CRC = 0xF4;
    static final int AT_MAGIC = 0xF8;

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(Format.TRAILER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) major).putShort((short) minor).putInt(signatureAlgorithm);
        b.putLong(volumeSize);
        b.putLong(payloadOffset).putLong(payloadLength);
        b.putLong(dedupOffset).putLong(dedupLength);
        b.putLong(metadataOffset).putLong(metadataLength);
        b.putLong(trailerOffset);
        b.putInt(payloadCrc).putInt(dedupCrc).putInt(metadataCrc);
        b.position(AT_DIGEST).put(digest).put(fingerprint).put(signature);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, AT_CRC);
        b.putInt(AT_CRC, (int) crc.getValue());
        b.position(AT_MAGIC).put(Format.TRAILER_MAGIC);
        return b.array();
    }

    boolean signed() {
        return signatureAlgorithm != Format.SIGNATURE_NONE;
    }

    /** Reads the last 256 bytes of the file and checks the end magic and the trailer CRC32C. */
    static Trailer decode(FileChannel ch, String file, long fileSize) throws IOException {
        if (fileSize < Format.PAYLOAD_OFFSET + Format.TRAILER_SIZE) {
            throw new CorruptDataException(
                    file,
                    fileSize,
                    "a file of at least "
                            + (Format.PAYLOAD_OFFSET + Format.TRAILER_SIZE)
                            + " bytes (header block and trailer), got "
                            + fileSize
                            + " (truncated)");
        }
        long at = fileSize - Format.TRAILER_SIZE;
        ByteBuffer b = Io.read(ch, at, Format.TRAILER_SIZE);
        byte[] magic = Arrays.copyOfRange(b.array(), AT_MAGIC, Format.TRAILER_SIZE);
        if (!Arrays.equals(magic, Format.TRAILER_MAGIC)) {
            throw new CorruptDataException(
                    file,
                    at + AT_MAGIC,
                    "trailer magic 'EXOCLEND' at the end of the file (truncated or incomplete"
                            + " file), got "
                            + Hex.encode(magic));
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, AT_CRC);
        int stored = b.getInt(AT_CRC);
        if (stored != (int) crc.getValue()) {
            throw new CorruptDataException(
                    file,
                    at + AT_CRC,
                    String.format(
                            "trailer CRC32C %08x, computed %08x", stored, (int) crc.getValue()));
        }
        return new Trailer(
                Short.toUnsignedInt(b.getShort(0)),
                Short.toUnsignedInt(b.getShort(2)),
                b.getInt(4),
                b.getLong(AT_VOLUME_SIZE),
                b.getLong(0x10),
                b.getLong(0x18),
                b.getLong(0x20),
                b.getLong(0x28),
                b.getLong(0x30),
                b.getLong(0x38),
                b.getLong(0x40),
                b.getInt(AT_PAYLOAD_CRC),
                b.getInt(AT_DEDUP_CRC),
                b.getInt(AT_METADATA_CRC),
                Arrays.copyOfRange(b.array(), AT_DIGEST, AT_FINGERPRINT),
                Arrays.copyOfRange(b.array(), AT_FINGERPRINT, AT_SIGNATURE),
                Arrays.copyOfRange(b.array(), AT_SIGNATURE, AT_SIGNATURE + Format.SIGNATURE_SIZE));
    }
}

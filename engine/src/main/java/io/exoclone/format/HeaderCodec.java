package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;

/** The leading header structure (FORMAT.md, "Header"): little-endian, CRC32C last. */
final class HeaderCodec {
    static final int AT_MAJOR = 0x08;
    static final int AT_MINOR = 0x0A;
    static final int AT_SIZE = 0x0C;
    static final int AT_FLAGS = 0x10;
    static final int AT_UUID = 0x18;
    static final int AT_PARENT = 0x28;
    static final int AT_BLOCK_SIZE = 0x38;
    static final int AT_PAYLOAD_OFFSET = 0x3C;
    static final int AT_CREATED = 0x40;

    /** The identity fields of the header. */
    record Fields(
            int major,
            int minor,
            int headerSize,
            long flags,
            UUID uuid,
            UUID parent,
            int blockSize,
            long payloadOffset,
            long createdMillis) {}

    private HeaderCodec() {}

    /** The 128-byte version 1.0 header; {@code parent} is null for none. */
    static byte[] encode(long flags, UUID uuid, UUID parent, long createdMillis) {
        ByteBuffer b = ByteBuffer.allocate(Format.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Format.HEADER_MAGIC);
        b.putShort((short) Format.MAJOR_VERSION);
        b.putShort((short) Format.MINOR_VERSION);
        b.putInt(Format.HEADER_SIZE);
        b.putLong(flags);
        b.put(Uuids.toBytes(uuid));
        b.put(Uuids.toBytes(parent == null ? Uuids.NIL : parent));
        b.putInt(Format.BLOCK_SIZE);
        b.putInt(Format.PAYLOAD_OFFSET);
        b.putLong(createdMillis);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, Format.HEADER_SIZE - 4);
        b.putInt(Format.HEADER_SIZE - 4, (int) crc.getValue());
        return b.array();
    }

    /**
     * Reads and checks the header: magic, then major version (a later major may change anything
     * after it), then size and CRC32C, then flags and fields.
     */
    static Fields decode(FileChannel ch, String file, long fileSize) throws IOException {
        if (fileSize < AT_SIZE + 4) {
            throw new CorruptDataException(
                    file,
                    0,
                    "an exo-clone file (magic 'EXOCLONE'), got a file of " + fileSize + " bytes");
        }
        ByteBuffer start = Io.read(ch, 0, AT_SIZE + 4);
        byte[] magic = Arrays.copyOf(start.array(), 8);
        if (!Arrays.equals(magic, Format.HEADER_MAGIC)) {
            throw new CorruptDataException(
                    file, 0, "magic 'EXOCLONE' (an exo-clone file), got " + Hex.encode(magic));
        }
        int major = Short.toUnsignedInt(start.getShort(AT_MAJOR));
        int minor = Short.toUnsignedInt(start.getShort(AT_MINOR));
        if (major != Format.MAJOR_VERSION) {
            throw new UnsupportedFormatException(
                    file,
                    AT_MAJOR,
                    "format major version "
                            + Format.MAJOR_VERSION
                            + " (this reader reads "
                            + Format.MAJOR_VERSION
                            + ".x files), got version "
                            + Format.version(major, minor));
        }
        long size = Integer.toUnsignedLong(start.getInt(AT_SIZE));
        if (size < Format.HEADER_SIZE || size > Format.PAYLOAD_OFFSET || size % 4 != 0) {
            throw new CorruptDataException(
                    file, AT_SIZE, "a header size from 128 to 4096, multiple of 4, got " + size);
        }
        int headerSize = (int) size;
        if (fileSize < headerSize) {
            throw new CorruptDataException(
                    file, fileSize, "a header of " + headerSize + " bytes (file truncated)");
        }
        ByteBuffer h = Io.read(ch, 0, headerSize);
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, headerSize - 4);
        int stored = h.getInt(headerSize - 4);
        if (stored != (int) crc.getValue()) {
            throw new CorruptDataException(
                    file,
                    headerSize - 4,
                    String.format(
                            "header CRC32C %08x, computed %08x", stored, (int) crc.getValue()));
        }
        long flags = h.getLong(AT_FLAGS);
        long unknown = flags & ExocloneHeader.MUST_UNDERSTAND_MASK & ~ExocloneHeader.KNOWN_FLAGS;
        if (unknown != 0) {
            throw new UnsupportedFormatException(
                    file,
                    AT_FLAGS,
                    String.format(
                            "only must-understand flags this reader knows (0x%x), got unknown"
                                    + " flags 0x%x",
                            ExocloneHeader.KNOWN_FLAGS, unknown));
        }
        UUID uuid = Uuids.fromBytes(h.array(), AT_UUID);
        UUID parent = Uuids.fromBytes(h.array(), AT_PARENT);
        if (uuid.equals(Uuids.NIL)) {
            throw new CorruptDataException(file, AT_UUID, "a non-nil exo-clone UUID");
        }
        if (parent.equals(uuid)) {
            throw new CorruptDataException(
                    file, AT_PARENT, "a parent UUID other than the file's own " + uuid);
        }
        int blockSize = h.getInt(AT_BLOCK_SIZE);
        if (blockSize != Format.BLOCK_SIZE) {
            throw new UnsupportedFormatException(
                    file, AT_BLOCK_SIZE, "block size " + Format.BLOCK_SIZE + ", got " + blockSize);
        }
        long payloadOffset = Integer.toUnsignedLong(h.getInt(AT_PAYLOAD_OFFSET));
        if (payloadOffset < headerSize || payloadOffset % Format.BLOCK_SIZE != 0) {
            throw new CorruptDataException(
                    file,
                    AT_PAYLOAD_OFFSET,
                    "a block-aligned payload offset after the header, got " + payloadOffset);
        }
        return new Fields(
                major,
                minor,
                headerSize,
                flags,
                uuid,
                parent.equals(Uuids.NIL) ? null : parent,
                blockSize,
                payloadOffset,
                h.getLong(AT_CREATED));
    }
}

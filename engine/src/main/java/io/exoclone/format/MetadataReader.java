package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;
import io.exoclone.schemas.ExocloneMetadataRange;
import io.exoclone.schemas.ExocloneMetadataSummary;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads the metadata section, an Avro object container file. The container framing is walked here,
 * with every length checked against the section before anything is allocated; the records inside
 * each block are decoded by the Avro library against this reader's schema.
 */
final class MetadataReader {
    private static final byte[] MAGIC = {'O', 'b', 'j', 1};
    private static final int MAX_META_ENTRIES = 1024;

    private final FileChannel ch;
    private final String file;
    private final long offset;
    private final long end;
    private final Schema writerSchema;
    private final Summary summary;
    private final byte[] sync;
    private final long firstBlock;

    private MetadataReader(
            FileChannel ch,
            String file,
            long offset,
            long end,
            Schema writerSchema,
            Summary summary,
            byte[] sync,
            long firstBlock) {
        this.ch = ch;
        this.file = file;
        this.offset = offset;
        this.end = end;
        this.writerSchema = writerSchema;
        this.summary = summary;
        this.sync = sync;
        this.firstBlock = firstBlock;
    }

    /** Parses the container header: magic, file metadata (schemas, codec, summary), sync. */
    static MetadataReader open(FileChannel ch, String file, long offset, long length)
            throws IOException {
        ChannelInput in = new ChannelInput(ch, file, offset, offset + length);
        if (!Arrays.equals(in.readBytes(4), MAGIC)) {
            throw new CorruptDataException(
                    file, offset, "an Avro object container file (magic 'Obj' 0x01)");
        }
        Map<String, byte[]> meta = readMeta(in, file, offset);
        byte[] sync = in.readBytes(16);
        String codec = text(meta.get(Format.META_CODEC));
        if (codec != null && !codec.equals("null")) {
            throw new UnsupportedFormatException(
                    file, offset, "Avro codec 'null' for the metadata, got '" + codec + "'");
        }
        Schema writer =
                schema(
                        meta,
                        Format.META_SCHEMA,
                        ExocloneMetadataRange.getClassSchema(),
                        file,
                        offset);
        Schema summaryWriter =
                schema(
                        meta,
                        Format.META_SUMMARY_SCHEMA,
                        ExocloneMetadataSummary.getClassSchema(),
                        file,
                        offset);
        byte[] encoded = meta.get(Format.META_SUMMARY);
        if (encoded == null) {
            throw new CorruptDataException(
                    file, offset, "an '" + Format.META_SUMMARY + "' entry in the Avro metadata");
        }
        Summary summary;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(encoded, null);
            ExocloneMetadataSummary s =
                    new SpecificDatumReader<ExocloneMetadataSummary>(
                                    summaryWriter, ExocloneMetadataSummary.getClassSchema())
                            .read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("bytes left after the summary");
            }
            summary = Summary.fromAvro(s);
        } catch (IOException | RuntimeException e) {
            throw new CorruptDataException(
                    file, offset, "a valid '" + Format.META_SUMMARY + "' entry: " + e);
        }
        return new MetadataReader(
                ch, file, offset, offset + length, writer, summary, sync, in.position());
    }

    Summary summary() {
        return summary;
    }

    Records records() {
        return new Records();
    }

    private static Map<String, byte[]> readMeta(ChannelInput in, String file, long offset)
            throws IOException {
        Map<String, byte[]> meta = new HashMap<>();
        for (long count = in.readLong(); count != 0; count = in.readLong()) {
            if (count < 0) {
                count = count == Long.MIN_VALUE ? Long.MAX_VALUE : -count;
                in.readLong(); // byte size of the block, not needed
            }
            if (count > MAX_META_ENTRIES - meta.size()) {
                throw new CorruptDataException(
                        file,
                        in.position(),
                        "at most " + MAX_META_ENTRIES + " Avro metadata entries");
            }
            for (long i = 0; i < count; i++) {
                String key =
                        new String(
                                in.readBytes(headerLength(in, file, offset)),
                                StandardCharsets.UTF_8);
                meta.put(key, in.readBytes(headerLength(in, file, offset)));
            }
        }
        return meta;
    }

    private static long headerLength(ChannelInput in, String file, long offset) throws IOException {
        long at = in.position();
        long n = in.readLong();
        if (n < 0 || n > Format.MAX_AVRO_HEADER - (in.position() - offset)) {
            throw new CorruptDataException(
                    file,
                    at,
                    "an Avro container header under "
                            + Format.MAX_AVRO_HEADER
                            + " bytes, got an entry of "
                            + n
                            + " bytes");
        }
        return n;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** The schema stored under {@code key}, checked to resolve against {@code reader}. */
    private static Schema schema(
            Map<String, byte[]> meta, String key, Schema reader, String file, long offset) {
        String json = text(meta.get(key));
        if (json == null) {
            throw new CorruptDataException(
                    file, offset, "an '" + key + "' entry in the Avro metadata");
        }
        Schema writer;
        try {
            writer = new Schema.Parser().parse(json);
        } catch (RuntimeException e) {
            throw new CorruptDataException(
                    file, offset, "a valid Avro schema in '" + key + "': " + e);
        }
        if (writer.getType() != Schema.Type.RECORD
                || !writer.getFullName().equals(reader.getFullName())) {
            throw new CorruptDataException(
                    file, offset, "an Avro record " + reader.getFullName() + " in '" + key + "'");
        }
        String unsafe = SchemaGuard.problem(writer);
        if (unsafe != null) {
            throw new UnsupportedFormatException(
                    file, offset, "a schema in '" + key + "' " + unsafe);
        }
        SchemaCompatibility.SchemaPairCompatibility c;
        try {
            c = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        } catch (RuntimeException e) {
            throw new CorruptDataException(
                    file, offset, "a resolvable schema in '" + key + "': " + e);
        }
        if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new UnsupportedFormatException(
                    file,
                    offset,
                    "a schema in '" + key + "' this reader can resolve: " + c.getDescription());
        }
        return writer;
    }

    /** The records of the container, block by block; each block is read only when needed. */
    final class Records implements Iterator<ExocloneRange> {
        private final ChannelInput in = new ChannelInput(ch, file, firstBlock, end);
        private final SpecificDatumReader<ExocloneMetadataRange> datumReader =
                new SpecificDatumReader<>(writerSchema, ExocloneMetadataRange.getClassSchema());
        private BinaryDecoder decoder;
        private long leftInBlock;
        private long blockOffset = firstBlock;
        private long index = -1;

        @Override
        public boolean hasNext() {
            try {
                while (leftInBlock == 0) {
                    if (in.remaining() == 0) {
                        return false;
                    }
                    readBlock();
                }
                return true;
            } catch (IOException e) {
                throw Errors.io(file, e);
            }
        }

        @Override
        public ExocloneRange next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            index++;
            ExocloneMetadataRange record;
            try {
                record = datumReader.read(null, decoder);
            } catch (IOException | RuntimeException e) {
                throw new CorruptDataException(
                        file, blockOffset, "a valid Avro record for range #" + index + ": " + e);
            }
            leftInBlock--;
            try {
                if (leftInBlock == 0 && !decoder.isEnd()) {
                    throw new CorruptDataException(
                            file, blockOffset, "an Avro block that ends after its last record");
                }
            } catch (IOException e) {
                throw Errors.io(file, e);
            }
            return RangeCodec.fromAvro(record, this::corrupt);
        }

        /** File offset of the Avro block holding the last record returned. */
        long blockOffset() {
            return blockOffset;
        }

        /** Index of the last record returned, from 0. */
        long index() {
            return index;
        }

        CorruptDataException corrupt(String expected) {
            return new CorruptDataException(file, blockOffset, "range #" + index + ": " + expected);
        }

        private void readBlock() throws IOException {
            blockOffset = in.position();
            long count = in.readLong();
            long size = in.readLong();
            if (size < 0 || size > Format.MAX_AVRO_BLOCK || count < 0 || count > size) {
                throw new CorruptDataException(
                        file,
                        blockOffset,
                        String.format(
                                "an Avro block of at most %d bytes holding at most one record per"
                                        + " byte, got %d records in %d bytes",
                                Format.MAX_AVRO_BLOCK, count, size));
            }
            byte[] block = in.readBytes(size);
            if (!Arrays.equals(in.readBytes(16), sync)) {
                throw new CorruptDataException(
                        file,
                        in.position() - 16,
                        "the container's sync marker after the block at " + blockOffset);
            }
            decoder = DecoderFactory.get().binaryDecoder(block, decoder);
            leftInBlock = count;
        }
    }
}

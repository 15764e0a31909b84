package io.exoclone.format;

import io.exoclone.schemas.ExocloneMetadataRange;
import io.exoclone.schemas.ExocloneMetadataSummary;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** Writes the metadata section: one Avro object container file, written by the Avro library. */
final class MetadataWriter {
    private MetadataWriter() {}

    /**
     * Writes the container to {@code out} (which stays open). The sync marker is the file's UUID,
     * so the same input gives the same bytes.
     */
    static void write(OutputStream out, UUID uuid, Summary summary, RangeLog ranges)
            throws IOException {
        DataFileWriter<ExocloneMetadataRange> writer =
                new DataFileWriter<>(new SpecificDatumWriter<>(ExocloneMetadataRange.class));
        writer.setCodec(CodecFactory.nullCodec());
        writer.setSyncInterval(Format.AVRO_SYNC);
        writer.setMeta(Format.META_SUMMARY, encode(summary.toAvro()));
        writer.setMeta(
                Format.META_SUMMARY_SCHEMA, ExocloneMetadataSummary.getClassSchema().toString());
        writer.create(
                ExocloneMetadataRange.getClassSchema(), new KeepOpen(out), Uuids.toBytes(uuid));
        try (writer) {
            ranges.forEach(writer::appendEncoded);
        }
    }

    private static byte[] encode(ExocloneMetadataSummary summary) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ExocloneMetadataSummary.class).write(summary, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    /** Lets the Avro writer close its stream without closing ours. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}

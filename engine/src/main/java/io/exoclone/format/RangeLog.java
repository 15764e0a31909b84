package io.exoclone.format;

import io.exoclone.schemas.ExocloneMetadataRange;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The Avro-encoded range records of a file being written, kept until the metadata section is
 * written at the end. Small logs stay in memory; past a threshold they spill to a temporary file,
 * so a writer's memory does not grow with the number of ranges.
 */
final class RangeLog implements Closeable {
    static final int DEFAULT_SPILL_THRESHOLD = 8 << 20;
    private static final int MAX_RECORD = 4096;

    @FunctionalInterface
    interface EncodedConsumer {
        void accept(ByteBuffer encodedRecord) throws IOException;
    }

    private final int spillThreshold;
    private final Path spillDir;
    private final SpecificDatumWriter<ExocloneMetadataRange> datumWriter =
            new SpecificDatumWriter<>(ExocloneMetadataRange.class);
    private final ByteArrayOutputStream record = new ByteArrayOutputStream(128);
    private BinaryEncoder encoder;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path spillFile;
    private DataOutputStream spillOut;
    private java.nio.channels.FileChannel spillRead;
    private long count;

    /**
     * @param spillDir where to spill, or null for the JVM's temporary directory
     */
    RangeLog(int spillThreshold, Path spillDir) {
        this.spillThreshold = spillThreshold;
        this.spillDir = spillDir;
    }

    long count() {
        return count;
    }

    boolean spilled() {
        return spillFile != null;
    }

    void append(ExocloneRange range) throws IOException {
        record.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(record, encoder);
        datumWriter.write(RangeCodec.toAvro(range), encoder);
        encoder.flush();
        if (spillOut == null && memory.size() >= spillThreshold) {
            spill();
        }
        if (spillOut != null) {
            spillOut.writeShort(record.size());
            record.writeTo(spillOut);
        } else {
            new DataOutputStream(memory).writeShort(record.size());
            record.writeTo(memory);
        }
        count++;
    }

    private void spill() throws IOException {
        spillFile =
                spillDir == null
                        ? Files.createTempFile(".exoclone-ranges-", ".tmp")
                        : Files.createTempFile(spillDir, ".exoclone-ranges-", ".tmp");
        spillOut =
                new DataOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(spillFile), 64 * 1024));
        // Unlinked at once (both descriptors stay valid): a killed writer leaves nothing behind.
        spillRead =
                java.nio.channels.FileChannel.open(
                        spillFile, java.nio.file.StandardOpenOption.READ);
        Files.delete(spillFile);
        memory.writeTo(spillOut);
        memory = null;
    }

    /** Hands every encoded record, in order, to {@code consumer}. May be called again. */
    void forEach(EncodedConsumer consumer) throws IOException {
        InputStream source;
        if (spillOut != null) {
            spillOut.flush();
            spillRead.position(0);
            source =
                    new BufferedInputStream(
                            new java.io.FilterInputStream(
                                    java.nio.channels.Channels.newInputStream(spillRead)) {
                                @Override
                                public void close() {
                                    // the channel is read again by the next forEach
                                }
                            },
                            64 * 1024);
        } else {
            source = new ByteArrayInputStream(memory.toByteArray());
        }
        try (DataInputStream in = new DataInputStream(source)) {
            byte[] buf = new byte[MAX_RECORD];
            for (long i = 0; i < count; i++) {
                int length = in.readUnsignedShort();
                in.readFully(buf, 0, length);
                consumer.accept(ByteBuffer.wrap(buf, 0, length));
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (spillOut != null) {
            spillOut.close();
            spillOut = null;
        }
        if (spillRead != null) {
            spillRead.close();
            spillRead = null;
        }
    }
}

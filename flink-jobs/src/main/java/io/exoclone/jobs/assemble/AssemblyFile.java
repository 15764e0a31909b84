package io.exoclone.jobs.assemble;

import io.exoclone.connectors.fs.ExocloneFileStore;
import io.exoclone.connectors.fs.InProgressFile;
import io.exoclone.engine.ExocloneException;
import io.exoclone.format.Compression;
import io.exoclone.format.ExocloneHeader;
import io.exoclone.format.ExocloneRange;
import io.exoclone.format.ExocloneWriter;
import io.exoclone.format.Origin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The open in-progress file of one snapshot: an {@link ExocloneWriter} streaming into an {@link
 * InProgressFile}. Started fresh, or resumed after a restart from the length and the ranges the
 * last checkpoint recorded (the writer re-reads the bytes up to there for the file digest).
 */
final class AssemblyFile {
    private final InProgressFile file;
    private final ExocloneWriter writer;

    private AssemblyFile(InProgressFile file, ExocloneWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    private static ExocloneWriter.Builder options(
            UUID id, AssemblyProgress p, Compression compression) {
        return ExocloneWriter.builder(id)
                .parent(Optional.ofNullable(p.parentId).map(UUID::fromString))
                .compression(compression)
                .created(Instant.ofEpochMilli(p.createdMillis));
    }

    /** Starts the file, replacing what an earlier attempt left under its in-progress name. */
    static AssemblyFile start(
            ExocloneFileStore store, UUID id, AssemblyProgress p, Compression compression)
            throws IOException {
        InProgressFile file = store.startInProgress(p.volumeId, id);
        try {
            return new AssemblyFile(file, options(id, p, compression).open(file.stream()));
        } catch (RuntimeException e) {
            file.abort();
            throw e;
        }
    }

    /** Continues the file from {@code p.fileBytes} bytes holding the {@code written} ranges. */
    static AssemblyFile resume(
            ExocloneFileStore store,
            UUID id,
            AssemblyProgress p,
            Compression compression,
            Iterable<WrittenRange> written,
            int blockSize)
            throws IOException {
        List<ExocloneRange> ranges = new ArrayList<>();
        long payload = 0;
        long content = 0;
        for (WrittenRange r : written) {
            ranges.add(r.toRange(payload, content, compression, blockSize));
            if (r.kind == Chunk.DATA) {
                payload += r.storedLength;
                content += r.lengthBytes(blockSize);
            }
        }
        InProgressFile file = store.resumeInProgress(p.volumeId, id, p.fileBytes);
        try (InputStream in = file.readResumed()) {
            ExocloneWriter w =
                    options(id, p, compression).resume(in, p.fileBytes, ranges, file.stream());
            return new AssemblyFile(file, w);
        } catch (RuntimeException | IOException e) {
            file.close();
            throw e;
        }
    }

    /** Appends one chunk; returns the bytes it takes in the payload (0 unless DATA). */
    long write(Chunk c, int blockSize) {
        long before = writer.position();
        long length = c.lengthBytes(blockSize);
        switch (c.kind) {
            case Chunk.DATA ->
                    writer.addHashedData(
                            c.startBlock, c.blocks, ByteBuffer.wrap(c.data), c.contentHash);
            case Chunk.DEDUP ->
                    writer.addDedup(
                            c.startBlock,
                            c.blocks,
                            UUID.fromString(c.dedupSource),
                            c.dedupOffset,
                            length,
                            c.contentHash);
            case Chunk.ZERO -> writer.addZero(c.startBlock, c.blocks);
            case Chunk.TRIM -> writer.addTrim(c.startBlock, c.blocks);
            default ->
                    throw new IllegalArgumentException(
                            "Unknown chunk kind " + c.kind + " at block " + c.startBlock);
        }
        return writer.position() - before;
    }

    long position() {
        return writer.position();
    }

    /** Makes everything written durable (at a checkpoint); returns the file's length. */
    long persist() throws IOException {
        writer.flush();
        long n = file.persist();
        if (n != writer.position()) {
            throw new ExocloneException(
                    String.format(
                            "In-progress file %s holds %d bytes, its writer wrote %d",
                            file.uri(), n, writer.position()));
        }
        return n;
    }

    /** Writes the tail and leaves the whole file under its in-progress name. */
    ExocloneHeader finish(SealInfo s, Origin origin) throws IOException {
        writer.origin(origin);
        ExocloneHeader h = writer.finish(s.rootHash, s.volumeSize, Optional.empty());
        writer.close();
        file.complete();
        return h;
    }

    /** Drops the file and everything written for it. */
    void abort() throws IOException {
        writer.close();
        file.abort();
    }

    /** Lets go of the file without finishing it (the operator stops; a restart resumes it). */
    void release() throws IOException {
        writer.close();
        file.close();
    }
}

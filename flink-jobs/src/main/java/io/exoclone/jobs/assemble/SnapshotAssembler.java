package io.exoclone.jobs.assemble;

import io.exoclone.connectors.fs.ExocloneFileStore;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.format.Compression;
import io.exoclone.format.ExocloneHeader;
import io.exoclone.format.ExocloneWriter;
import io.exoclone.format.Origin;
import io.exoclone.jobs.sink.PendingFile;
import io.exoclone.schemas.EventCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by snapshot: collects a snapshot's chunks (in any order, from any dedup subtask) and its
 * seal (before or after its chunks), and once the seal and every chunk it counts are there, writes
 * the exo-clone file under its in-progress name and emits a {@link PendingFile} for the sink.
 *
 * <p><b>Ordering.</b> Chunks are numbered in block order by the splitter; they wait in keyed map
 * state (on local disk with the RocksDB backend) and are written in ordinal order, streamed from
 * state one at a time, so the file's ranges come out ascending whatever order they arrived in. The
 * file is written within one call, so no checkpoint ever sees a half-written file: after a failure
 * the snapshot is replayed from the checkpoint and the file rewritten under the same in-progress
 * name.
 *
 * <p>A repeated chunk (same ordinal) is ignored. A snapshot whose file the writer refuses (data
 * that contradicts the seal) goes to the dead-letter output and its state is dropped.
 */
public final class SnapshotAssembler
        extends KeyedCoProcessFunction<String, Chunk, SealInfo, PendingFile> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAssembler.class);

    private final String targetUri;
    private final HashMap<String, String> hadoopProperties;
    private final Compression compression;
    private final int blockSize;

    private transient MapState<Long, Chunk> chunks;
    private transient ValueState<Long> received;
    private transient ValueState<SealInfo> seal;
    private transient ExocloneFileStore store;
    private transient EventCodec codec;
    private transient Counter filesWritten;
    private transient Counter bytesWritten;

    public SnapshotAssembler(
            URI targetUri,
            Map<String, String> hadoopProperties,
            Compression compression,
            int blockSize) {
        this.targetUri = targetUri.toString();
        this.hadoopProperties = new HashMap<>(hadoopProperties);
        this.compression = compression;
        this.blockSize = blockSize;
    }

    @Override
    public void open(OpenContext ctx) {
        var rc = getRuntimeContext();
        chunks =
                rc.getMapState(
                        new MapStateDescriptor<>("chunks", Types.LONG, Types.POJO(Chunk.class)));
        received = rc.getState(new ValueStateDescriptor<>("received", Types.LONG));
        seal = rc.getState(new ValueStateDescriptor<>("seal", Types.POJO(SealInfo.class)));
        store = ExocloneFileStore.open(URI.create(targetUri), hadoopProperties);
        codec = new EventCodec();
        filesWritten = rc.getMetricGroup().counter("exocloneFilesWritten");
        bytesWritten = rc.getMetricGroup().counter("exocloneBytesWritten");
    }

    @Override
    public void close() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    @Override
    public void processElement1(Chunk c, Context ctx, Collector<PendingFile> out) throws Exception {
        if (chunks.contains(c.ordinal)) {
            return;
        }
        chunks.put(c.ordinal, c);
        Long n = received.value();
        received.update(n == null ? 1 : n + 1);
        tryFinish(ctx, out);
    }

    @Override
    public void processElement2(SealInfo s, Context ctx, Collector<PendingFile> out)
            throws Exception {
        if (s.chunkCount == SealInfo.ABANDONED) {
            clear();
            return;
        }
        seal.update(s);
        tryFinish(ctx, out);
    }

    private void tryFinish(Context ctx, Collector<PendingFile> out) throws Exception {
        SealInfo s = seal.value();
        Long n = received.value();
        long have = n == null ? 0 : n;
        if (s == null || have < s.chunkCount) {
            return;
        }
        UUID id = UUID.fromString(s.snapshotId);
        URI inProgress = store.inProgressUri(s.volumeId, id);
        try {
            PendingFile f = write(s, id, inProgress);
            filesWritten.inc();
            bytesWritten.inc(f.fileBytes);
            out.collect(f);
        } catch (InvalidArgumentException | IllegalArgumentException e) {
            LOG.error("Snapshot {} cannot be assembled: {}", s.snapshotId, e.getMessage());
            store.delete(inProgress);
            RawRecord r = new RawRecord();
            r.topic = "";
            r.partition = -1;
            r.offset = -1;
            r.timestampMillis = System.currentTimeMillis();
            r.key = s.volumeId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.encode(
                            codec,
                            r,
                            "Snapshot "
                                    + s.snapshotId
                                    + " cannot be assembled: "
                                    + e.getMessage()));
        }
        clear();
    }

    /** Streams the chunks from state, in block order, into the in-progress file. */
    private PendingFile write(SealInfo s, UUID id, URI inProgress) throws Exception {
        if (s.blockSize != blockSize) {
            throw new IllegalArgumentException(
                    "Seal says block size " + s.blockSize + ", this job uses " + blockSize);
        }
        ExocloneHeader header;
        long dedup = 0;
        long changed = 0;
        TreeSet<String> dedupIds = new TreeSet<>();
        try (OutputStream os = store.create(inProgress)) {
            ExocloneWriter w =
                    ExocloneWriter.builder(id)
                            .parent(Optional.ofNullable(s.parentId).map(UUID::fromString))
                            .compression(compression)
                            .created(Instant.ofEpochMilli(s.createdMillis))
                            .origin(
                                    new Origin(
                                            s.volumeName,
                                            UUID.fromString(s.volumeId),
                                            Optional.ofNullable(s.tag),
                                            Optional.empty()))
                            .open(os);
            try {
                for (long i = 0; i < s.chunkCount; i++) {
                    Chunk c = chunks.get(i);
                    long length = c.lengthBytes(blockSize);
                    switch (c.kind) {
                        case Chunk.DATA -> {
                            w.addData(
                                    c.startBlock, c.blocks, ByteBuffer.wrap(c.data), c.contentHash);
                            changed += length;
                        }
                        case Chunk.DEDUP -> {
                            UUID source = UUID.fromString(c.dedupSource);
                            w.addDedup(
                                    c.startBlock,
                                    c.blocks,
                                    source,
                                    c.dedupOffset,
                                    length,
                                    c.contentHash);
                            if (!source.equals(id)) {
                                dedupIds.add(c.dedupSource);
                            }
                            dedup += length;
                            changed += length;
                        }
                        case Chunk.ZERO -> w.addZero(c.startBlock, c.blocks);
                        case Chunk.TRIM -> w.addTrim(c.startBlock, c.blocks);
                        default ->
                                throw new IllegalArgumentException(
                                        "Unknown chunk kind "
                                                + c.kind
                                                + " at block "
                                                + c.startBlock);
                    }
                }
                header = w.finish(s.rootHash, s.volumeSize, Optional.empty());
            } finally {
                w.close();
            }
        } catch (IOException e) {
            throw new IOException("Cannot write " + inProgress + ": " + e.getMessage(), e);
        }
        PendingFile f = new PendingFile();
        f.exocloneId = s.snapshotId;
        f.parentId = s.parentId;
        f.volumeId = s.volumeId;
        f.volumeName = s.volumeName;
        f.inProgressUri = inProgress.toString();
        f.finalUri = store.finalUri(s.volumeId, id).toString();
        f.fileBytes = header.fileSize();
        f.payloadBytes = header.sections().payloadLength();
        f.dedupBytes = dedup;
        f.changedBytes = changed;
        f.rootHash = s.rootHash;
        f.dedupIds = dedupIds.toArray(new String[0]);
        f.snapshotCreatedMillis = s.createdMillis;
        f.sealedAtMillis = s.sealedAtMillis;
        return f;
    }

    private void clear() {
        chunks.clear();
        received.clear();
        seal.clear();
    }
}

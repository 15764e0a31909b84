package io.exoclone.jobs.assemble;

import io.exoclone.connectors.fs.ExocloneFileStore;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.format.Compression;
import io.exoclone.format.ExocloneHeader;
import io.exoclone.format.Origin;
import io.exoclone.jobs.sink.PendingFile;
import io.exoclone.schemas.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by snapshot: streams a snapshot's chunks into its in-progress exo-clone file as they
 * arrive, and once the seal and every chunk it counts are there, writes the tail and emits a {@link
 * PendingFile} for the sink.
 *
 * <p><b>Order.</b> The file's payload must come in block order, which is chunk ordinal order. The
 * splitter emits a snapshot's chunks in that order from one subtask; they pass the dedup subtasks
 * (each keeps the order of what it gets) and reach this operator as a merge of a few ascending
 * sequences. A chunk that is the next ordinal is written at once; one that comes early waits in a
 * small keyed reorder buffer until the gap fills (bounded by how far the dedup channels drift
 * apart, not by the snapshot's size). Only the ranges' small records (no payload) stay in state
 * until the seal. The seal comes from the splitter directly and may arrive before any chunk.
 *
 * <p><b>Checkpoints</b> fall in the middle of snapshots. At each one every open file is flushed and
 * made durable ({@link AssemblyFile#persist}); the keyed state then says how long the file is and
 * which ranges it holds. After a restore, the first chunk or seal of a snapshot resumes its file
 * from there ({@link ExocloneFileStore#resumeInProgress} drops what was written after the
 * checkpoint; the writer re-reads the kept bytes for the file digest), and the replayed input
 * writes the rest: the file is byte for byte what an uninterrupted run writes.
 *
 * <p>A repeated chunk is ignored. A snapshot the writer refuses (data that contradicts the seal)
 * goes to the dead-letter output, its file is deleted and its state dropped; so is one the splitter
 * abandons.
 */
public final class SnapshotAssembler
        extends KeyedCoProcessFunction<String, Chunk, SealInfo, PendingFile>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAssembler.class);

    private final String targetUri;
    private final HashMap<String, String> hadoopProperties;
    private final Compression compression;
    private final int blockSize;

    private transient ValueState<AssemblyProgress> progress;
    private transient MapState<Long, Chunk> reorder;
    private transient ListState<WrittenRange> written;
    private transient ValueState<SealInfo> seal;
    private transient ExocloneFileStore store;
    private transient Map<String, AssemblyFile> open;
    private transient EventCodec codec;
    private transient Counter filesWritten;
    private transient Counter bytesWritten;
    private transient Counter filesResumed;
    private transient long reorderPeakChunks;
    private transient long reorderPeakBytes;
    private transient LongMaximum reorderPeakChunksAcc;
    private transient LongMaximum reorderPeakBytesAcc;
    private transient LongCounter filesResumedAcc;

    /** Accumulators (job-wide: maximum, maximum, sum) for tests and benchmarks. */
    public static final String REORDER_PEAK_CHUNKS = "exoclone-reorder-peak-chunks";

    public static final String REORDER_PEAK_BYTES = "exoclone-reorder-peak-bytes";
    public static final String FILES_RESUMED = "exoclone-files-resumed";

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
        progress =
                rc.getState(
                        new ValueStateDescriptor<>(
                                "assembly-progress", Types.POJO(AssemblyProgress.class)));
        reorder =
                rc.getMapState(
                        new MapStateDescriptor<>("reorder", Types.LONG, Types.POJO(Chunk.class)));
        written =
                rc.getListState(
                        new ListStateDescriptor<>("written", Types.POJO(WrittenRange.class)));
        seal = rc.getState(new ValueStateDescriptor<>("seal", Types.POJO(SealInfo.class)));
        store = ExocloneFileStore.open(URI.create(targetUri), hadoopProperties);
        open = new HashMap<>();
        codec = new EventCodec();
        var group = rc.getMetricGroup();
        filesWritten = group.counter("exocloneFilesWritten");
        bytesWritten = group.counter("exocloneBytesWritten");
        filesResumed = group.counter("exocloneFilesResumed");
        group.gauge("exocloneReorderPeakChunks", (Gauge<Long>) () -> reorderPeakChunks);
        group.gauge("exocloneReorderPeakBytes", (Gauge<Long>) () -> reorderPeakBytes);
        reorderPeakChunksAcc = new LongMaximum();
        reorderPeakBytesAcc = new LongMaximum();
        filesResumedAcc = new LongCounter();
        rc.addAccumulator(REORDER_PEAK_CHUNKS, reorderPeakChunksAcc);
        rc.addAccumulator(REORDER_PEAK_BYTES, reorderPeakBytesAcc);
        rc.addAccumulator(FILES_RESUMED, filesResumedAcc);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}

    /** Makes every open file durable up to what the keyed state of this checkpoint records. */
    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        for (AssemblyFile f : open.values()) {
            f.persist();
        }
    }

    @Override
    public void close() throws Exception {
        if (open != null) {
            for (AssemblyFile f : open.values()) {
                try {
                    f.release();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Cannot release an in-progress file: {}", e.toString());
                }
            }
            open.clear();
        }
        if (store != null) {
            LOG.info(
                    "Reorder buffer peak: {} chunks, {} bytes",
                    reorderPeakChunks,
                    reorderPeakBytes);
            store.close();
        }
    }

    @Override
    public void processElement1(Chunk c, Context ctx, Collector<PendingFile> out) throws Exception {
        AssemblyProgress p = progress.value();
        if (p == null) {
            p = new AssemblyProgress();
        }
        if (c.ordinal < p.nextOrdinal || (!p.failed && reorder.contains(c.ordinal))) {
            return; // a repeat
        }
        p.arrived++;
        if (c.ordinal == 0) {
            p.volumeId = c.volumeId;
            p.parentId = c.parentId;
            p.createdMillis = c.snapshotOrder;
        }
        if (p.failed) {
            finishFailed(p);
            return;
        }
        if (c.ordinal > p.nextOrdinal) {
            reorder.put(c.ordinal, c);
            p.buffered++;
            p.bufferedBytes += c.data == null ? 0 : c.data.length;
            if (p.buffered > reorderPeakChunks || p.bufferedBytes > reorderPeakBytes) {
                reorderPeakChunks = Math.max(reorderPeakChunks, p.buffered);
                reorderPeakBytes = Math.max(reorderPeakBytes, p.bufferedBytes);
                reorderPeakChunksAcc.add(reorderPeakChunks);
                reorderPeakBytesAcc.add(reorderPeakBytes);
            }
            progress.update(p);
            return;
        }
        String key = ctx.getCurrentKey();
        try {
            AssemblyFile f = file(key, p);
            append(f, c, p);
            for (Chunk n = reorder.get(p.nextOrdinal); n != null; n = reorder.get(p.nextOrdinal)) {
                reorder.remove(n.ordinal);
                p.buffered--;
                p.bufferedBytes -= n.data == null ? 0 : n.data.length;
                append(f, n, p);
            }
        } catch (InvalidArgumentException | IllegalArgumentException e) {
            fail(key, p, ctx, e.getMessage());
            return;
        }
        progress.update(p);
        tryFinish(key, p, ctx, out);
    }

    @Override
    public void processElement2(SealInfo s, Context ctx, Collector<PendingFile> out)
            throws Exception {
        String key = ctx.getCurrentKey();
        AssemblyProgress p = progress.value();
        if (s.chunkCount == SealInfo.ABANDONED) {
            String volume = s.volumeId != null ? s.volumeId : p == null ? null : p.volumeId;
            drop(key, volume);
            return;
        }
        if (p == null) {
            p = new AssemblyProgress();
        }
        if (p.nextOrdinal == 0 && !p.started) {
            // The seal carries what chunk 0 would: the file may have no chunk at all.
            p.volumeId = s.volumeId;
            p.parentId = s.parentId;
            p.createdMillis = s.snapshotOrder;
        }
        seal.update(s);
        progress.update(p);
        if (p.failed) {
            finishFailed(p);
            return;
        }
        if (s.blockSize != blockSize) {
            fail(
                    key,
                    p,
                    ctx,
                    "Seal says block size " + s.blockSize + ", this job uses " + blockSize);
            return;
        }
        tryFinish(key, p, ctx, out);
    }

    /** The open file of snapshot {@code key}: started, resumed after a restore, or the open one. */
    private AssemblyFile file(String key, AssemblyProgress p) throws Exception {
        AssemblyFile f = open.get(key);
        if (f != null) {
            return f;
        }
        UUID id = UUID.fromString(key);
        if (p.volumeId == null) {
            throw new IllegalArgumentException(
                    "Snapshot " + key + ": its first chunk carries no volume id");
        }
        if (p.started) {
            f = AssemblyFile.resume(store, id, p, compression, written.get(), blockSize);
            filesResumed.inc();
            filesResumedAcc.add(1);
            LOG.info("Resumed in-progress exo-clone {} at {} bytes", key, p.fileBytes);
        } else {
            f = AssemblyFile.start(store, id, p, compression);
            p.started = true;
            p.fileBytes = f.position();
        }
        open.put(key, f);
        return f;
    }

    private void append(AssemblyFile f, Chunk c, AssemblyProgress p) throws Exception {
        long stored = f.write(c, blockSize);
        written.add(WrittenRange.of(c, stored));
        p.nextOrdinal++;
        p.fileBytes = f.position();
    }

    private void tryFinish(String key, AssemblyProgress p, Context ctx, Collector<PendingFile> out)
            throws Exception {
        SealInfo s = seal.value();
        if (s == null || p.nextOrdinal < s.chunkCount) {
            return;
        }
        UUID id = UUID.fromString(key);
        PendingFile f;
        try {
            AssemblyFile file = file(key, p);
            ExocloneHeader header =
                    file.finish(
                            s,
                            new Origin(
                                    s.volumeName,
                                    UUID.fromString(s.volumeId),
                                    Optional.ofNullable(s.tag),
                                    Optional.empty()));
            open.remove(key);
            f = pendingFile(s, id, header);
        } catch (InvalidArgumentException | IllegalArgumentException e) {
            fail(key, p, ctx, e.getMessage());
            return;
        }
        filesWritten.inc();
        bytesWritten.inc(f.fileBytes);
        out.collect(f);
        clear();
    }

    private PendingFile pendingFile(SealInfo s, UUID id, ExocloneHeader header) throws Exception {
        long dedup = 0;
        long changed = 0;
        TreeSet<String> dedupIds = new TreeSet<>();
        for (WrittenRange r : written.get()) {
            if (r.kind == Chunk.DEDUP) {
                if (!UUID.fromString(r.dedupSource).equals(id)) {
                    dedupIds.add(r.dedupSource);
                }
                dedup += r.lengthBytes(blockSize);
            }
            if (r.kind == Chunk.DATA || r.kind == Chunk.DEDUP) {
                changed += r.lengthBytes(blockSize);
            }
        }
        PendingFile f = new PendingFile();
        f.exocloneId = s.snapshotId;
        f.parentId = s.parentId;
        f.volumeId = s.volumeId;
        f.volumeName = s.volumeName;
        f.inProgressUri = store.inProgressUri(s.volumeId, id).toString();
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

    /** The writer refused the snapshot: dead letter, delete its file, drop what comes after. */
    private void fail(String key, AssemblyProgress p, Context ctx, String reason) throws Exception {
        LOG.error("Snapshot {} cannot be assembled: {}", key, reason);
        AssemblyFile f = open.remove(key);
        if (f != null) {
            f.abort();
        } else if (p.volumeId != null) {
            store.deleteInProgress(p.volumeId, UUID.fromString(key));
        }
        RawRecord r = new RawRecord();
        r.topic = "";
        r.partition = -1;
        r.offset = -1;
        r.timestampMillis = System.currentTimeMillis();
        r.key = p.volumeId == null ? null : p.volumeId.getBytes(StandardCharsets.UTF_8);
        ctx.output(
                DeadLetters.TAG,
                DeadLetters.encode(
                        codec, r, "Snapshot " + key + " cannot be assembled: " + reason));
        reorder.clear();
        written.clear();
        p.failed = true;
        p.buffered = 0;
        p.bufferedBytes = 0;
        progress.update(p);
        finishFailed(p);
    }

    /** A failed snapshot's state goes once the seal and all its chunks have come by. */
    private void finishFailed(AssemblyProgress p) throws Exception {
        SealInfo s = seal.value();
        if (s != null && p.arrived >= s.chunkCount) {
            clear();
        } else {
            progress.update(p);
        }
    }

    /** Drops a snapshot the splitter abandoned, with whatever file it began. */
    private void drop(String key, String volume) throws Exception {
        AssemblyFile f = open.remove(key);
        if (f != null) {
            f.abort();
        }
        if (volume != null) {
            try {
                store.deleteInProgress(volume, UUID.fromString(key));
            } catch (IllegalArgumentException e) {
                // Not a volume directory name: nothing can have been written under it.
            }
        }
        clear();
    }

    private void clear() {
        progress.clear();
        reorder.clear();
        written.clear();
        seal.clear();
    }
}

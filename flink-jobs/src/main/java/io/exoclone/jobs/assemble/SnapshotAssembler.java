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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by snapshot: joins each chunk's payload (input 1, straight from the splitter) with its
 * dedup verdict (input 2, from the dedup index, with the seals), streams the result into the
 * snapshot's in-progress exo-clone file, and once the seal and every chunk it counts are written,
 * writes the tail and emits a {@link PendingFile} for the sink. A DEDUP verdict drops the payload
 * here: duplicate bytes cross the network once, to this operator, and are never written.
 *
 * <p><b>Order and what waits where.</b> The file's payload must come in block order, which is chunk
 * ordinal order. A snapshot's payloads come in that order from one splitter subtask over one
 * channel; its verdicts come from several dedup subtasks, as a merge of a few ascending sequences,
 * and a little later (two more hops). A chunk is written when it is the next ordinal and, if DATA,
 * its verdict is there; until then its payload (or an early verdict) waits in a heap buffer of this
 * subtask ({@link #waiting}), not in Flink state. ZERO and TRIM chunks need no verdict. Only the
 * ranges' small records (no payload) stay in keyed state until the seal. The seal may arrive before
 * any chunk.
 *
 * <p><b>Why nothing waits across a checkpoint.</b> The splitter emits a chunk's payload and its
 * claim in one call, so both precede the same checkpoint barrier, and the dedup index answers a
 * claim before it forwards the barrier. With aligned checkpoints (the job turns unaligned ones off)
 * every payload and verdict before a barrier has therefore arrived, and been written, when this
 * operator snapshots: the buffer is empty at every checkpoint and is never part of one. If it is
 * not (unaligned checkpoints forced on), {@link #snapshotState} fails the checkpoint rather than
 * lose a payload.
 *
 * <p><b>Checkpoints</b> fall in the middle of snapshots. At each one every open file is flushed and
 * made durable ({@link AssemblyFile#persist}); the keyed state then says how long the file is and
 * which ranges it holds. After a restore, the first chunk or seal of a snapshot resumes its file
 * from there ({@link ExocloneFileStore#resumeInProgress} drops what was written after the
 * checkpoint; the writer re-reads the kept bytes for the file digest), and the replayed input
 * writes the rest: the file is byte for byte what an uninterrupted run writes.
 *
 * <p>A repeated payload or verdict is ignored. A snapshot the writer refuses (data that contradicts
 * the seal) goes to the dead-letter output, its file is deleted and only a small failed marker
 * stays for {@link #MARKER_RETENTION_MS}, so that its late payloads and verdicts are dropped; so
 * does one the splitter abandons.
 */
public final class SnapshotAssembler
        extends KeyedCoProcessFunction<String, Chunk, Either<Verdict, SealInfo>, PendingFile>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 3L;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAssembler.class);

    /** How long a failed or abandoned snapshot's marker stays (processing time). */
    static final long MARKER_RETENTION_MS = 10 * 60_000;

    private final String targetUri;
    private final HashMap<String, String> hadoopProperties;
    private final Compression compression;
    private final int blockSize;

    private transient ValueState<AssemblyProgress> progress;
    private transient ListState<WrittenRange> written;
    private transient ValueState<SealInfo> seal;
    private transient ExocloneFileStore store;
    private transient Map<String, AssemblyFile> open;

    /** Payloads waiting for their verdict (or a lower ordinal), and early verdicts, by snapshot. */
    private transient Map<String, Waiting> waiting;

    private transient long waitingChunks;
    private transient long waitingBytes;
    private transient EventCodec codec;
    private transient Counter filesWritten;
    private transient Counter bytesWritten;
    private transient Counter filesResumed;
    private transient long reorderPeakChunks;
    private transient long reorderPeakBytes;
    private transient LongMaximum reorderPeakChunksAcc;
    private transient LongMaximum reorderPeakBytesAcc;
    private transient LongCounter filesResumedAcc;

    /**
     * Accumulators (job-wide: maximum, maximum, sum) for tests and benchmarks: the most chunks and
     * payload bytes one subtask held waiting for a verdict or a lower ordinal, and files resumed.
     */
    public static final String REORDER_PEAK_CHUNKS = "exoclone-reorder-peak-chunks";

    public static final String REORDER_PEAK_BYTES = "exoclone-reorder-peak-bytes";
    public static final String FILES_RESUMED = "exoclone-files-resumed";

    /** What of one snapshot waits in the heap buffer. */
    private static final class Waiting {
        final TreeMap<Long, Chunk> payloads = new TreeMap<>();
        final HashMap<Long, Verdict> verdicts = new HashMap<>();

        boolean isEmpty() {
            return payloads.isEmpty() && verdicts.isEmpty();
        }
    }

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
        written =
                rc.getListState(
                        new ListStateDescriptor<>("written", Types.POJO(WrittenRange.class)));
        seal = rc.getState(new ValueStateDescriptor<>("seal", Types.POJO(SealInfo.class)));
        store = ExocloneFileStore.open(URI.create(targetUri), hadoopProperties);
        open = new HashMap<>();
        waiting = new HashMap<>();
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

    /**
     * Makes every open file durable up to what the keyed state of this checkpoint records. Nothing
     * may wait for a verdict here (see the class comment); a leftover verdict without its payload
     * can only belong to a snapshot already dropped, and goes.
     */
    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        for (Map.Entry<String, Waiting> e : waiting.entrySet()) {
            Waiting w = e.getValue();
            if (!w.payloads.isEmpty()) {
                throw new IllegalStateException(
                        String.format(
                                "Checkpoint %d: snapshot %s has %d chunks (ordinals %d to %d)"
                                        + " waiting for their dedup verdicts; the assemble job"
                                        + " needs aligned checkpoints",
                                context.getCheckpointId(),
                                e.getKey(),
                                w.payloads.size(),
                                w.payloads.firstKey(),
                                w.payloads.lastKey()));
            }
            LOG.warn(
                    "Checkpoint {}: dropping {} dedup verdicts of snapshot {} that no payload"
                            + " claims",
                    context.getCheckpointId(),
                    w.verdicts.size(),
                    e.getKey());
        }
        waiting.clear();
        waitingChunks = 0;
        waitingBytes = 0;
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
        if (waiting != null) {
            waiting.clear();
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
        String key = ctx.getCurrentKey();
        AssemblyProgress p = progress.value();
        if (p == null) {
            p = new AssemblyProgress();
        } else if (p.failed || c.ordinal < p.nextOrdinal) {
            return; // a failed snapshot's, or a repeat
        }
        Waiting w = waiting.computeIfAbsent(key, k -> new Waiting());
        if (w.payloads.putIfAbsent(c.ordinal, c) != null) {
            return; // a repeat
        }
        waitingChunks++;
        waitingBytes += c.data == null ? 0 : c.data.length;
        if (waitingChunks > reorderPeakChunks || waitingBytes > reorderPeakBytes) {
            reorderPeakChunks = Math.max(reorderPeakChunks, waitingChunks);
            reorderPeakBytes = Math.max(reorderPeakBytes, waitingBytes);
            reorderPeakChunksAcc.add(reorderPeakChunks);
            reorderPeakBytesAcc.add(reorderPeakBytes);
        }
        if (c.ordinal == 0) {
            p.volumeId = c.volumeId;
            p.parentId = c.parentId;
            p.createdMillis = c.snapshotOrder;
        }
        drain(key, p, w, ctx, out);
    }

    @Override
    public void processElement2(
            Either<Verdict, SealInfo> in, Context ctx, Collector<PendingFile> out)
            throws Exception {
        if (in.isLeft()) {
            verdict(in.left(), ctx, out);
        } else {
            seal(in.right(), ctx, out);
        }
    }

    private void verdict(Verdict v, Context ctx, Collector<PendingFile> out) throws Exception {
        String key = ctx.getCurrentKey();
        AssemblyProgress p = progress.value();
        if (p != null && (p.failed || v.ordinal < p.nextOrdinal)) {
            return; // a failed snapshot's, or a repeat
        }
        Waiting w = waiting.computeIfAbsent(key, k -> new Waiting());
        w.verdicts.putIfAbsent(v.ordinal, v);
        if (p != null) {
            drain(key, p, w, ctx, out);
        }
    }

    private void seal(SealInfo s, Context ctx, Collector<PendingFile> out) throws Exception {
        String key = ctx.getCurrentKey();
        AssemblyProgress p = progress.value();
        if (s.chunkCount == SealInfo.ABANDONED) {
            String volume = s.volumeId != null ? s.volumeId : p == null ? null : p.volumeId;
            drop(key, volume, ctx);
            return;
        }
        if (p == null) {
            p = new AssemblyProgress();
        } else if (p.failed) {
            return;
        }
        if (p.nextOrdinal == 0 && !p.started) {
            // The seal carries what chunk 0 would: the file may have no chunk at all.
            p.volumeId = s.volumeId;
            p.parentId = s.parentId;
            p.createdMillis = s.snapshotOrder;
        }
        seal.update(s);
        progress.update(p);
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

    /** Writes every chunk from the next ordinal on whose payload and verdict are both here. */
    private void drain(
            String key, AssemblyProgress p, Waiting w, Context ctx, Collector<PendingFile> out)
            throws Exception {
        try {
            AssemblyFile f = null;
            for (Chunk c = w.payloads.get(p.nextOrdinal);
                    c != null;
                    c = w.payloads.get(p.nextOrdinal)) {
                int bytes = c.data == null ? 0 : c.data.length;
                if (c.kind == Chunk.DATA) {
                    Verdict v = w.verdicts.remove(c.ordinal);
                    if (v == null) {
                        break;
                    }
                    v.applyTo(c);
                }
                w.payloads.remove(c.ordinal);
                waitingChunks--;
                waitingBytes -= bytes;
                if (f == null) {
                    f = file(key, p);
                }
                append(f, c, p);
            }
        } catch (InvalidArgumentException | IllegalArgumentException e) {
            fail(key, p, ctx, e.getMessage());
            return;
        }
        if (w.isEmpty()) {
            waiting.remove(key);
        }
        progress.update(p);
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
        forget(key);
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
        markFailed(key, p.volumeId, ctx);
    }

    /** Drops a snapshot the splitter abandoned, with whatever file it began. */
    private void drop(String key, String volume, Context ctx) throws Exception {
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
        markFailed(key, volume, ctx);
    }

    /**
     * Keeps only a failed marker for the snapshot, so that its payloads and verdicts still on their
     * way are dropped; it goes after {@link #MARKER_RETENTION_MS}.
     */
    private void markFailed(String key, String volume, Context ctx) throws Exception {
        forget(key);
        written.clear();
        seal.clear();
        AssemblyProgress marker = new AssemblyProgress();
        marker.failed = true;
        marker.volumeId = volume;
        progress.update(marker);
        ctx.timerService()
                .registerProcessingTimeTimer(
                        ctx.timerService().currentProcessingTime() + MARKER_RETENTION_MS);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PendingFile> out)
            throws Exception {
        AssemblyProgress p = progress.value();
        if (p != null && p.failed) {
            clear();
        }
    }

    /** Drops what waits in the heap buffer for snapshot {@code key}. */
    private void forget(String key) {
        Waiting w = waiting.remove(key);
        if (w != null) {
            waitingChunks -= w.payloads.size();
            for (Chunk c : w.payloads.values()) {
                waitingBytes -= c.data == null ? 0 : c.data.length;
            }
        }
    }

    private void clear() {
        progress.clear();
        written.clear();
        seal.clear();
    }
}

package io.exoclone.jobs.assemble;

import io.exoclone.schemas.EventCodec;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by snapshot: turns NodeChange records into {@link Chunk}s (one per changed range, split
 * parts re-joined) numbered in block order, and a seal into a {@link SealInfo} on {@link #SEALS}
 * that says how many chunks to expect. Every DATA chunk also gets a {@link Claim} on {@link
 * #CLAIMS} (its hash and place, not its bytes) for the dedup index; the chunk itself, payload
 * included, goes to the assembler only.
 *
 * <p>All records of a snapshot are one Kafka transaction on one partition, read by one source
 * subtask in sequence order, and Flink keeps the order between two subtasks, so they arrive here in
 * sequence order. A record with a sequence already seen (a repeat) is dropped; a gap, a range that
 * goes backwards or a broken part sequence rejects the snapshot to the dead-letter output.
 */
public final class ChangeSplitter extends KeyedProcessFunction<String, FeedEvent, Chunk> {
    private static final long serialVersionUID = 1L;

    /** Seals of complete snapshots, for the assembler. */
    public static final OutputTag<SealInfo> SEALS =
            new OutputTag<>("seals", TypeInformation.of(SealInfo.class));

    /** Claim checks of the DATA chunks, for the dedup index. */
    public static final OutputTag<Claim> CLAIMS =
            new OutputTag<>("claims", TypeInformation.of(Claim.class));

    /**
     * How long the marker of a sealed or rejected snapshot is kept: long enough to drop a snapshot
     * that the emitter publishes again after a crash (it does so within minutes).
     */
    public static final Duration DEFAULT_MARKER_RETENTION = Duration.ofHours(24);

    private final int blockSize;
    private final long markerRetentionMs;
    private transient ValueState<SplitProgress> progress;
    private transient EventCodec codec;
    private transient Counter repeats;

    public ChangeSplitter(int blockSize) {
        this(blockSize, DEFAULT_MARKER_RETENTION);
    }

    /**
     * @param markerRetention how long (processing time) a sealed or rejected snapshot's marker
     *     stays; a repeat of the snapshot after that is assembled and published again
     */
    public ChangeSplitter(int blockSize, Duration markerRetention) {
        if (markerRetention.isNegative() || markerRetention.isZero()) {
            throw new IllegalArgumentException(
                    "Marker retention must be positive, got " + markerRetention);
        }
        this.blockSize = blockSize;
        this.markerRetentionMs = markerRetention.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        progress =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>("split-progress", SplitProgress.class));
        codec = new EventCodec();
        repeats = getRuntimeContext().getMetricGroup().counter("exocloneRepeatedRecords");
    }

    @Override
    public void processElement(FeedEvent e, Context ctx, Collector<Chunk> out) throws Exception {
        SplitProgress p = progress.value();
        if (p == null) {
            p = new SplitProgress();
        }
        if (p.sealed || p.rejected) {
            repeats.inc();
            return;
        }
        if (e.isSeal()) {
            seal(e, p, ctx);
            if (p.sealed) {
                expireMarker(p, ctx);
            }
        } else if (e.sequence < p.nextSequence) {
            repeats.inc();
            return;
        } else if (e.sequence > p.nextSequence) {
            reject(
                    e,
                    p,
                    ctx,
                    String.format(
                            "Snapshot %s: NodeChange sequence %d arrived, expected %d",
                            e.snapshotId, e.sequence, p.nextSequence));
        } else {
            if (e.sequence == 0) {
                p.firstTimestamp = firstTimestamp(e);
            }
            String problem = split(e, p, ctx, out);
            if (problem != null) {
                reject(e, p, ctx, "Snapshot " + e.snapshotId + ": " + problem);
            } else {
                p.nextSequence++;
            }
        }
        if (p.rejected) {
            expireMarker(p, ctx);
        }
        progress.update(p);
    }

    /** The snapshot is done (sealed or rejected): keep only a small marker, for a while. */
    private void expireMarker(SplitProgress p, Context ctx) {
        p.pending = null;
        ctx.timerService()
                .registerProcessingTimeTimer(
                        ctx.timerService().currentProcessingTime() + markerRetentionMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Chunk> out) throws Exception {
        SplitProgress p = progress.value();
        if (p != null && (p.sealed || p.rejected)) {
            progress.clear();
        }
    }

    private void seal(FeedEvent e, SplitProgress p, Context ctx) {
        SealInfo s = e.seal;
        if (p.nextSequence != s.nodeChangeCount || p.pending != null) {
            reject(
                    e,
                    p,
                    ctx,
                    String.format(
                            "Snapshot %s sealed after %d NodeChange records, but the seal counts"
                                    + " %d%s",
                            s.snapshotId,
                            p.nextSequence,
                            s.nodeChangeCount,
                            p.pending != null ? " (a split range is unfinished)" : ""));
            return;
        }
        if (p.nextSequence == 0) {
            p.firstTimestamp = firstTimestamp(e);
        }
        s.chunkCount = p.nextOrdinal;
        s.snapshotOrder = p.firstTimestamp;
        s.sealedAtMillis = System.currentTimeMillis();
        ctx.output(SEALS, s);
        p.sealed = true;
    }

    /** Emits the chunks of one record; returns a problem, or null. */
    private String split(FeedEvent e, SplitProgress p, Context ctx, Collector<Chunk> out) {
        for (RangePart r : e.ranges) {
            if (r.blocks < 1) {
                return "range at block " + r.startBlock + " has " + r.blocks + " blocks";
            }
            if (p.pending != null) {
                RangePart open = p.pending;
                if (r.startBlock != open.startBlock || r.part != open.part + 1) {
                    return String.format(
                            "part %d of the range at block %d is followed by part %d at block %d",
                            open.part, open.startBlock, r.part, r.startBlock);
                }
                open.data = concat(open.data, r.data);
                open.part = r.part;
                if (r.part == r.parts - 1) {
                    p.pending = null;
                    String problem = emit(e, open, p, ctx, out);
                    if (problem != null) {
                        return problem;
                    }
                }
                continue;
            }
            if (r.startBlock < p.endBlock) {
                return String.format(
                        "range at block %d comes after blocks up to %d (not ascending)",
                        r.startBlock, p.endBlock);
            }
            if (r.parts > 1) {
                if (r.part != 0 || r.kind != RangePart.DATA) {
                    return "split range at block " + r.startBlock + " starts with part " + r.part;
                }
                p.pending = r;
                continue;
            }
            String problem = emit(e, r, p, ctx, out);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String emit(
            FeedEvent e, RangePart r, SplitProgress p, Context ctx, Collector<Chunk> out) {
        String snapshotId = e.snapshotId;
        String volumeId = e.volumeId;
        String parentId = e.parentId;
        if (r.kind == RangePart.DATA) {
            long expected = (long) r.blocks * blockSize;
            if (r.data == null || r.data.length != expected) {
                return String.format(
                        "DATA range at block %d of %d blocks carries %d bytes, expected %d",
                        r.startBlock, r.blocks, r.data == null ? -1 : r.data.length, expected);
            }
            if (r.contentHash == null || r.contentHash.length != 32) {
                return "DATA range at block " + r.startBlock + " has no 32-byte content hash";
            }
        }
        Chunk c = new Chunk();
        c.snapshotId = snapshotId;
        c.ordinal = p.nextOrdinal++;
        c.snapshotOrder = p.firstTimestamp;
        if (c.ordinal == 0) {
            c.volumeId = volumeId;
            c.parentId = parentId;
        }
        c.startBlock = r.startBlock;
        c.blocks = r.blocks;
        c.kind = r.kind;
        c.contentHash = r.contentHash;
        c.data = r.data;
        p.endBlock = r.startBlock + r.blocks;
        if (c.kind == Chunk.DATA) {
            // Both before the next checkpoint barrier on both outputs: the assembler never holds
            // a payload across a checkpoint waiting for its verdict.
            ctx.output(CLAIMS, Claim.of(c));
        }
        out.collect(c);
        return null;
    }

    private void reject(FeedEvent e, SplitProgress p, Context ctx, String reason) {
        p.rejected = true;
        p.pending = null;
        ctx.output(DeadLetters.TAG, DeadLetters.encode(codec, e, reason));
        // Tell the assembler to drop what it holds of the snapshot.
        SealInfo abandon = new SealInfo();
        abandon.snapshotId = e.snapshotId;
        abandon.volumeId = e.volumeId;
        abandon.chunkCount = SealInfo.ABANDONED;
        ctx.output(SEALS, abandon);
    }

    /**
     * A snapshot's place in the dedup order, also the created time of its file: the creation time
     * the feed stamps on every record (or the seal's, for an empty snapshot), else, from an older
     * feed, the Kafka timestamp of its first record. Both are the same on every replay.
     */
    private static long firstTimestamp(FeedEvent e) {
        if (e.snapshotCreatedMillis > 0) {
            return e.snapshotCreatedMillis;
        }
        if (e.seal != null && e.seal.createdMillis > 0) {
            return e.seal.createdMillis;
        }
        return e.timestampMillis;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b == null) {
            return a;
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

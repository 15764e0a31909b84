package io.exoclone.jobs.assemble;

import io.exoclone.schemas.ChangedRange;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.EventDecodeException;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.RangeKind;
import io.exoclone.schemas.SnapshotSealed;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes {@code exoclone.node-changes} records into {@link FeedEvent}s. A record that does not
 * decode, or is not a {@code NodeChange} or {@code SnapshotSealed}, goes to {@link DeadLetters#TAG}
 * with the reason; the job keeps running.
 */
public final class DecodeFunction extends ProcessFunction<RawRecord, FeedEvent> {
    private static final long serialVersionUID = 1L;

    private transient EventCodec codec;
    private transient Counter recordsIn;
    private transient Counter bytesIn;
    private transient Counter rejected;

    @Override
    public void open(OpenContext ctx) {
        codec = new EventCodec();
        var group = getRuntimeContext().getMetricGroup();
        recordsIn = group.counter("exocloneRecordsIn");
        bytesIn = group.counter("exocloneBytesIn");
        rejected = group.counter("exocloneDeadLetters");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<FeedEvent> out) {
        recordsIn.inc();
        bytesIn.inc(r.value == null ? 0 : r.value.length);
        FeedEvent e;
        try {
            if (r.value == null) {
                throw new IllegalArgumentException("Record has no value (a tombstone)");
            }
            e = toEvent(codec.decode(r.value));
        } catch (EventDecodeException | IllegalArgumentException ex) {
            rejected.inc();
            ctx.output(
                    DeadLetters.TAG, DeadLetters.encode(codec, r, String.valueOf(ex.getMessage())));
            return;
        }
        e.topic = r.topic;
        e.partition = r.partition;
        e.offset = r.offset;
        e.timestampMillis = r.timestampMillis;
        e.snapshotCreatedMillis = r.snapshotCreatedMillis;
        out.collect(e);
    }

    private static FeedEvent toEvent(Object decoded) {
        if (decoded instanceof NodeChange n) {
            FeedEvent e = new FeedEvent();
            e.volumeId = n.getVolumeId();
            e.volumeName = n.getVolumeName();
            e.snapshotId = n.getSnapshotId();
            e.parentId = n.getParentId();
            e.sequence = n.getSequence();
            List<ChangedRange> rs = n.getRanges();
            e.ranges = new RangePart[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                e.ranges[i] = toPart(rs.get(i));
            }
            return e;
        }
        if (decoded instanceof SnapshotSealed s) {
            FeedEvent e = new FeedEvent();
            e.volumeId = s.getVolumeId();
            e.volumeName = s.getVolumeName();
            e.snapshotId = s.getSnapshotId();
            e.parentId = s.getParentId();
            SealInfo seal = new SealInfo();
            seal.snapshotId = s.getSnapshotId();
            seal.volumeId = s.getVolumeId();
            seal.volumeName = s.getVolumeName();
            seal.parentId = s.getParentId();
            seal.tag = s.getTag();
            seal.generation = s.getGeneration();
            seal.createdMillis = s.getCreatedMillis();
            seal.volumeSize = s.getVolumeSize();
            seal.blockSize = s.getBlockSize();
            seal.nodeChangeCount = s.getNodeChangeCount();
            seal.dataBytes = s.getDataBytes();
            seal.rootHash = bytes(s.getRootHash());
            e.seal = seal;
            return e;
        }
        throw new IllegalArgumentException(
                "Not a NodeChange or SnapshotSealed: " + decoded.getClass().getSimpleName());
    }

    private static RangePart toPart(ChangedRange c) {
        RangePart p = new RangePart();
        p.startBlock = c.getStartBlock();
        p.blocks = c.getBlocks();
        p.kind =
                c.getKind() == RangeKind.DATA
                        ? RangePart.DATA
                        : c.getKind() == RangeKind.ZERO ? RangePart.ZERO : RangePart.TRIM;
        p.contentHash = bytes(c.getContentHash());
        p.data = bytes(c.getData());
        p.part = c.getPart();
        p.parts = c.getParts();
        p.dataOffset = c.getDataOffset();
        return p;
    }

    /** The bytes of {@code b}: its own array when it spans all of it (Avro's), else a copy. */
    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        if (b.hasArray()
                && b.arrayOffset() == 0
                && b.position() == 0
                && b.remaining() == b.array().length) {
            return b.array();
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}

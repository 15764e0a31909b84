package io.exoclone.jobs.assemble;

import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by {@link Chunk#dedupKey()} (the content hash of a DATA chunk): the global dedup index.
 *
 * <p>The first occurrence of a content hash stays DATA and records where its bytes live: the
 * exo-clone being assembled (the snapshot) and the byte offset {@code startBlock * blockSize} in
 * that exo-clone's resulting volume image (FORMAT.md §4.3). Every later chunk with the same hash
 * and length becomes a DEDUP reference to that place, unless the place is in the same snapshot at
 * or after the chunk itself (a file may only reference its own earlier blocks): then it stays DATA.
 * ZERO and TRIM chunks pass through unchanged.
 */
public final class DedupFunction extends KeyedProcessFunction<String, Chunk, Chunk> {
    private static final long serialVersionUID = 1L;

    private final int blockSize;
    private transient ValueState<DedupLocation> index;
    private transient Counter dataBytes;
    private transient Counter dedupBytes;

    public DedupFunction(int blockSize) {
        this.blockSize = blockSize;
    }

    @Override
    public void open(OpenContext ctx) {
        index =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("dedup-index", DedupLocation.class));
        var group = getRuntimeContext().getMetricGroup();
        dataBytes = group.counter("exocloneChangedBytes");
        dedupBytes = group.counter("exocloneDedupBytes");
        group.gauge(
                "exocloneDedupRatio",
                (Gauge<Double>)
                        () ->
                                dataBytes.getCount() == 0
                                        ? 0.0
                                        : (double) dedupBytes.getCount() / dataBytes.getCount());
    }

    @Override
    public void processElement(Chunk c, Context ctx, Collector<Chunk> out) throws Exception {
        if (c.kind != Chunk.DATA) {
            out.collect(c);
            return;
        }
        long length = c.lengthBytes(blockSize);
        long offset = c.startBlock * blockSize;
        UUID self = UUID.fromString(c.snapshotId);
        dataBytes.inc(length);
        DedupLocation seen = index.value();
        if (seen == null) {
            index.update(new DedupLocation(self, offset, length));
            out.collect(c);
            return;
        }
        boolean usable =
                seen.length == length
                        && (!seen.exoclone().equals(self) || seen.imageOffset + length <= offset);
        if (!usable) {
            out.collect(c);
            return;
        }
        dedupBytes.inc(length);
        c.kind = Chunk.DEDUP;
        c.data = null;
        c.dedupSource = seen.exoclone().toString();
        c.dedupOffset = seen.imageOffset;
        out.collect(c);
    }
}

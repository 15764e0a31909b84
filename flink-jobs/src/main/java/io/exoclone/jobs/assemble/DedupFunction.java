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
 * Keyed by {@link Claim#dedupKey()} (the content hash of a DATA chunk): the global dedup index. It
 * sees only the chunk's claim (hash, length, place), never its bytes, and answers with a {@link
 * Verdict} that the assembler joins with the payload.
 *
 * <p>The first occurrence of a content hash stays DATA and records where its bytes live: the
 * exo-clone being assembled (the snapshot) and the byte offset {@code startBlock * blockSize} in
 * that exo-clone's resulting volume image (FORMAT.md §4.3). A later chunk with the same hash and
 * length becomes a DEDUP reference to that place when the place's snapshot comes before the chunk's
 * in the dedup order ({@link Chunk#snapshotOrder}), or is the chunk's own snapshot at blocks before
 * it (a file may only reference its own earlier blocks). Otherwise it stays DATA, and if the
 * recorded snapshot comes later in the order, the index moves to this chunk. So references only
 * point backwards in one total order and files can always be imported in it. ZERO and TRIM chunks
 * have no claim: they need no verdict.
 *
 * <p>The key and the state are those of the version that dedup'ed whole chunks (uid {@code
 * exoclone-dedup}, state {@code dedup-index}), so a savepoint keeps its index.
 */
public final class DedupFunction extends KeyedProcessFunction<String, Claim, Verdict> {
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
    public void processElement(Claim c, Context ctx, Collector<Verdict> out) throws Exception {
        long length = (long) c.blocks * blockSize;
        long offset = c.startBlock * blockSize;
        UUID self = UUID.fromString(c.snapshotId);
        dataBytes.inc(length);
        DedupLocation seen = index.value();
        if (seen == null || seen.length != length) {
            index.update(new DedupLocation(self, c.snapshotOrder, offset, length));
            out.collect(Verdict.keep(c));
            return;
        }
        boolean sameSnapshot = seen.exoclone().equals(self);
        if (!sameSnapshot && !seen.before(c.snapshotOrder, self)) {
            // Recorded by a snapshot that comes later in the dedup order (another partition got
            // ahead): this one stays DATA and becomes the place later snapshots reference.
            index.update(new DedupLocation(self, c.snapshotOrder, offset, length));
            out.collect(Verdict.keep(c));
            return;
        }
        if (sameSnapshot && seen.imageOffset + length > offset) {
            out.collect(Verdict.keep(c));
            return;
        }
        dedupBytes.inc(length);
        out.collect(Verdict.dedup(c, seen.exoclone().toString(), seen.imageOffset));
    }
}

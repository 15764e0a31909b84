package io.exoclone.jobs.assemble;

import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by {@link Claim#dedupBucket()} (the first two bytes of a DATA chunk's content hash): the
 * global dedup index. It sees only the chunk's claim (hash, length, place), never its bytes, and
 * answers with a {@link Verdict} that the assembler joins with the payload.
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
 * <p>The places of one bucket are one packed array ({@link DedupBucket}, state {@value #STATE},
 * operator uid {@value #UID}): about 70 bytes per content hash on the heap instead of about 210
 * with a key, a map entry and a record per hash. The index of the version before (uid {@code
 * exoclone-dedup}, one {@link DedupLocation} per hash) is carried over by {@code exoclone assemble
 * upgrade-savepoint} ({@link DedupIndexUpgrade}).
 */
public final class DedupFunction extends KeyedProcessFunction<Integer, Claim, Verdict> {
    private static final long serialVersionUID = 1L;

    /** The dedup operator's uid. */
    public static final String UID = "exoclone-dedup-buckets";

    /** The keyed state: a bucket's packed places. */
    public static final String STATE = "dedup-buckets";

    private final int blockSize;
    private transient ValueState<byte[]> buckets;
    private transient Counter dataBytes;
    private transient Counter dedupBytes;

    public DedupFunction(int blockSize) {
        this.blockSize = blockSize;
    }

    /** The descriptor of the index state (also what a savepoint upgrade writes). */
    public static ValueStateDescriptor<byte[]> stateDescriptor() {
        return new ValueStateDescriptor<>(
                STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    @Override
    public void open(OpenContext ctx) {
        buckets = getRuntimeContext().getState(stateDescriptor());
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
        byte[] bucket = buckets.value();
        byte[] b = bucket == null ? new byte[0] : bucket;
        int i = DedupBucket.find(b, c.contentHash);
        Verdict v =
                decide(
                        i >= 0 ? DedupBucket.location(b, i) : null,
                        c,
                        blockSize,
                        place -> buckets.update(DedupBucket.with(b, i, c.contentHash, place)));
        long length = (long) c.blocks * blockSize;
        dataBytes.inc(length);
        if (v.dedup) {
            dedupBytes.inc(length);
        }
        out.collect(v);
    }

    /** Where the index records a new place for a content hash. */
    interface Recorder {
        void record(DedupLocation place) throws Exception;
    }

    /**
     * The verdict for claim {@code c} given the place the index has for its hash ({@code seen},
     * null for none); records {@code c}'s own place when it becomes the one later claims reference.
     */
    static Verdict decide(DedupLocation seen, Claim c, int blockSize, Recorder index)
            throws Exception {
        long length = (long) c.blocks * blockSize;
        long offset = c.startBlock * blockSize;
        UUID self = UUID.fromString(c.snapshotId);
        if (seen == null || seen.length != length) {
            index.record(new DedupLocation(self, c.snapshotOrder, offset, length));
            return Verdict.keep(c);
        }
        boolean sameSnapshot = seen.exoclone().equals(self);
        if (!sameSnapshot && !seen.before(c.snapshotOrder, self)) {
            // Recorded by a snapshot that comes later in the dedup order (another partition got
            // ahead): this one stays DATA and becomes the place later snapshots reference.
            index.record(new DedupLocation(self, c.snapshotOrder, offset, length));
            return Verdict.keep(c);
        }
        if (sameSnapshot && seen.imageOffset + length > offset) {
            return Verdict.keep(c);
        }
        return Verdict.dedup(c, seen.exoclone().toString(), seen.imageOffset);
    }
}

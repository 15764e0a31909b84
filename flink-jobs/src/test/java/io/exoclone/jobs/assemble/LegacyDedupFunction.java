package io.exoclone.jobs.assemble;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The dedup index of the version before the bucketed one, as it was (keyed by the content hash in
 * hex, one {@link DedupLocation} per hash, uid {@code exoclone-dedup}, state {@code dedup-index}):
 * the upgrade test runs the old job with it to get a savepoint of the old layout.
 */
public final class LegacyDedupFunction extends KeyedProcessFunction<String, Claim, Verdict> {
    private static final long serialVersionUID = 1L;

    private final int blockSize;
    private transient ValueState<DedupLocation> index;

    public LegacyDedupFunction(int blockSize) {
        this.blockSize = blockSize;
    }

    @Override
    public void open(OpenContext ctx) {
        index =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        DedupIndexUpgrade.LEGACY_STATE, DedupLocation.class));
    }

    @Override
    public void processElement(Claim c, Context ctx, Collector<Verdict> out) throws Exception {
        out.collect(DedupFunction.decide(index.value(), c, blockSize, index::update));
    }
}

package io.exoclone.jobs.assemble;

import io.exoclone.jobs.LoopbackFlink;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * Carries a savepoint (or retained checkpoint) of the AssembleJob from before the bucketed dedup
 * index over to it: reads the old index (operator {@value #LEGACY_UID}, one {@link DedupLocation}
 * per content hash in hex) and writes it as buckets under {@link DedupFunction#UID} into a new
 * savepoint, with every other operator's state as it was. A batch job of Flink's State Processor
 * API, run in this process on 127.0.0.1.
 */
public final class DedupIndexUpgrade {
    /** The dedup operator's uid before the index was bucketed. */
    public static final String LEGACY_UID = "exoclone-dedup";

    /** Its keyed state: one {@link DedupLocation} per content hash. */
    public static final String LEGACY_STATE = "dedup-index";

    /** A stuck upgrade (a bootstrap thread that died) fails instead of hanging. */
    private static final long TIMEOUT_MINUTES =
            Long.getLong("exoclone.upgrade.timeout.minutes", 30);

    private DedupIndexUpgrade() {}

    /** Whether the savepoint or checkpoint at {@code path} holds the old dedup index. */
    public static boolean needed(String path) throws IOException {
        var legacy = OperatorIdentifier.forUid(LEGACY_UID).getOperatorId();
        for (OperatorState s : SavepointLoader.loadSavepointMetadata(path).getOperatorStates()) {
            if (s.getOperatorID().equals(legacy)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the upgraded savepoint to {@code target} (a directory that must not exist yet) and
     * returns how many content hashes it carried over.
     *
     * @param backend the state backend the source was taken with, {@code heap} or {@code rocksdb}
     *     (a savepoint in the canonical format reads with either)
     */
    public static long upgrade(String source, String target, String backend) throws Exception {
        // A local environment in this process (a test's MiniCluster where one is installed).
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(LoopbackFlink.settings());
        env.setParallelism(1);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        StateBackend state =
                "rocksdb".equals(backend)
                        ? new EmbeddedRocksDBStateBackend(true)
                        : new HashMapStateBackend();
        DataStream<LegacyEntry> old =
                SavepointReader.read(env, source, state)
                        .readKeyedState(
                                OperatorIdentifier.forUid(LEGACY_UID),
                                new LegacyReader(),
                                Types.STRING,
                                TypeInformation.of(LegacyEntry.class));
        SavepointWriter.fromExistingSavepoint(env, source, state)
                .removeOperator(OperatorIdentifier.forUid(LEGACY_UID))
                .withOperator(
                        OperatorIdentifier.forUid(DedupFunction.UID),
                        OperatorTransformation.bootstrapWith(old)
                                .keyBy(e -> DedupBucket.of(e.hash), Types.INT)
                                .transform(new BucketWriter()))
                .write(target);
        var job = env.executeAsync("exoclone: upgrade the dedup index of " + source);
        try {
            var result = job.getJobExecutionResult().get(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            Long carried = result.getAccumulatorResult(LegacyReader.COUNT);
            return carried == null ? 0 : carried;
        } catch (TimeoutException e) {
            job.cancel();
            throw new IOException(
                    "Upgrading the dedup index of "
                            + source
                            + " did not finish within "
                            + TIMEOUT_MINUTES
                            + " minutes; nothing was written to "
                            + target
                            + " that a job could start from",
                    e);
        }
    }

    /** One content hash of the old index and its place (a Flink POJO). */
    public static class LegacyEntry {
        public byte[] hash;
        public DedupLocation place;

        public LegacyEntry() {}
    }

    /** Reads the old index: keyed by the content hash in hex. */
    static final class LegacyReader extends KeyedStateReaderFunction<String, LegacyEntry> {
        private static final long serialVersionUID = 1L;
        static final String COUNT = "exoclone-dedup-entries-upgraded";
        private transient ValueState<DedupLocation> index;
        private final LongCounter count = new LongCounter();

        @Override
        public void open(OpenContext ctx) {
            index =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(LEGACY_STATE, DedupLocation.class));
            getRuntimeContext().addAccumulator(COUNT, count);
        }

        @Override
        public void readKey(String hex, Context ctx, Collector<LegacyEntry> out) throws Exception {
            DedupLocation place = index.value();
            if (place != null) {
                LegacyEntry e = new LegacyEntry();
                e.hash = io.exoclone.engine.Hex.decode(hex);
                e.place = place;
                out.collect(e);
                count.add(1);
            }
        }
    }

    /** Writes each entry into its bucket. */
    static final class BucketWriter extends KeyedStateBootstrapFunction<Integer, LegacyEntry> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<byte[]> buckets;

        @Override
        public void open(OpenContext ctx) {
            buckets = getRuntimeContext().getState(DedupFunction.stateDescriptor());
        }

        @Override
        public void processElement(LegacyEntry e, Context ctx) throws Exception {
            byte[] bucket = buckets.value();
            if (bucket == null) {
                bucket = new byte[0];
            }
            buckets.update(
                    DedupBucket.with(bucket, DedupBucket.find(bucket, e.hash), e.hash, e.place));
        }
    }
}

package io.exoclone.jobs;

import io.exoclone.engine.Pool;
import io.exoclone.jobs.assemble.ChangeSplitter;
import io.exoclone.jobs.assemble.Chunk;
import io.exoclone.jobs.assemble.Claim;
import io.exoclone.jobs.assemble.DeadLetterRecordSerializer;
import io.exoclone.jobs.assemble.DeadLetters;
import io.exoclone.jobs.assemble.DecodeFunction;
import io.exoclone.jobs.assemble.DedupFunction;
import io.exoclone.jobs.assemble.FeedEvent;
import io.exoclone.jobs.assemble.RawRecord;
import io.exoclone.jobs.assemble.RawRecordDeserializer;
import io.exoclone.jobs.assemble.SealInfo;
import io.exoclone.jobs.assemble.SnapshotAssembler;
import io.exoclone.jobs.assemble.Verdict;
import io.exoclone.jobs.sink.ExocloneFileSink;
import io.exoclone.jobs.sink.PendingFile;
import io.exoclone.jobs.sink.PublishToKafka;
import io.exoclone.jobs.sink.PublishedRecordSerializer;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Turns the change feed into exo-clone files: read committed node changes, decode, split into
 * chunks, dedup their claims (content hash and place, no bytes) by content hash, join payloads and
 * verdicts per snapshot and assemble, commit files with a two-phase sink, then publish them. This
 * class only wires the operators (package {@code assemble} and {@code sink}); every operator has a
 * stable name and uid so savepoints survive changes to the job.
 */
public final class AssembleJob {
    public static final String JOB_NAME = "exoclone-assemble";
    private static final int BLOCK_SIZE = Pool.BLOCK_SIZE;

    /**
     * Output flush interval of the splitter and the dedup index, whose claims and verdicts are
     * small: a payload waits at the assembler about as long as its verdict takes (two hops, each
     * flushed within this). Flink's default, 100 ms, would hold ~30 MB per subtask at 150 MB/s; 2
     * ms cost about 1 s of flusher CPU per 512 MiB in the end-to-end benchmark (BENCHMARKS.md,
     * issue 12).
     */
    static final long VERDICT_BUFFER_TIMEOUT_MS = 10;

    private static final TypeInformation<Either<Verdict, SealInfo>> CONTROL_TYPE =
            Types.EITHER(Types.POJO(Verdict.class), Types.POJO(SealInfo.class));

    private AssembleJob() {}

    private static String snapshotOf(Either<Verdict, SealInfo> e) {
        return e.isLeft() ? e.left().snapshotId : e.right().snapshotId;
    }

    /** Configures {@code env} (checkpoints, state backend, parallelism) and adds the job to it. */
    public static void build(StreamExecutionEnvironment env, AssembleOptions o) {
        build(env, o, UnaryOperator.identity());
    }

    /** Test seam: {@code afterDecode} may add an operator (a fault injector) after decoding. */
    static void build(
            StreamExecutionEnvironment env,
            AssembleOptions o,
            UnaryOperator<DataStream<FeedEvent>> afterDecode) {
        build(env, o, afterDecode, AssembleJob::dedup);
    }

    /** The dedup index: claims keyed by the bucket of their content hash, verdicts out. */
    static SingleOutputStreamOperator<Verdict> dedup(DataStream<Claim> claims) {
        return claims.keyBy(Claim::dedupBucket, Types.INT)
                .process(new DedupFunction(BLOCK_SIZE))
                .name("dedup")
                .uid(DedupFunction.UID);
    }

    /**
     * Test seam: {@code dedup} replaces the dedup index (the upgrade test runs the index of the
     * version before with it).
     */
    static void build(
            StreamExecutionEnvironment env,
            AssembleOptions o,
            UnaryOperator<DataStream<FeedEvent>> afterDecode,
            java.util.function.Function<DataStream<Claim>, SingleOutputStreamOperator<Verdict>>
                    dedup) {
        Configuration conf = new Configuration();
        conf.set(
                StateBackendOptions.STATE_BACKEND,
                o.stateBackend().equals("rocksdb") ? "rocksdb" : "hashmap");
        if (o.checkpointDir() != null) {
            // The dedup index and the assembler's range records outgrow in-memory checkpoints.
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir());
        }
        // Aligned barriers are what lets the assembler keep payloads that wait for their dedup
        // verdict out of its checkpoints (SnapshotAssembler's class comment).
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, false);
        env.configure(conf);
        env.enableCheckpointing(o.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
        // Chained operators hand records over without a deep copy (the source's records carry up
        // to 512 KiB of data each); no operator keeps or changes an input after emitting.
        env.getConfig().enableObjectReuse();
        if (o.parallelism() > 0) {
            env.setParallelism(o.parallelism());
        }

        var sourceBuilder = KafkaSource.<RawRecord>builder();
        o.consumerProperties().forEach(sourceBuilder::setProperty);
        KafkaSource<RawRecord> source =
                sourceBuilder
                        .setBootstrapServers(o.bootstrap())
                        .setTopics(o.nodeChangesTopic())
                        .setGroupId(o.groupId())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setProperty("isolation.level", "read_committed")
                        .setDeserializer(new RawRecordDeserializer())
                        .build();

        DataStream<RawRecord> raw =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "node-changes")
                        .uid("exoclone-node-changes");
        SingleOutputStreamOperator<FeedEvent> decoded =
                raw.process(new DecodeFunction()).name("decode").uid("exoclone-decode");
        SingleOutputStreamOperator<Chunk> chunks =
                afterDecode
                        .apply(decoded)
                        .keyBy(e -> e.snapshotId, Types.STRING)
                        .process(
                                new ChangeSplitter(
                                        BLOCK_SIZE, ChangeSplitter.DEFAULT_MARKER_RETENTION))
                        .name("split")
                        .uid("exoclone-split");
        // Claim check: only the hash and place of each DATA chunk go to the dedup index (keyed by
        // hash); the payload goes from the splitter to the assembler once, keyed by snapshot, and
        // is joined there with its verdict. Small records: flush them promptly, the assembler
        // holds each payload until its verdict is in.
        chunks.setBufferTimeout(VERDICT_BUFFER_TIMEOUT_MS);
        SingleOutputStreamOperator<Verdict> verdicts =
                dedup.apply(chunks.getSideOutput(ChangeSplitter.CLAIMS));
        // The timeout belongs on the operator whose output crosses the network: the map chained
        // after the dedup index (on the dedup operator itself it would not apply).
        DataStream<Either<Verdict, SealInfo>> control =
                verdicts.map(Either::<Verdict, SealInfo>Left)
                        .returns(CONTROL_TYPE)
                        .name("verdicts")
                        .uid("exoclone-verdicts")
                        .setBufferTimeout(VERDICT_BUFFER_TIMEOUT_MS)
                        .union(
                                chunks.getSideOutput(ChangeSplitter.SEALS)
                                        .map(Either::<Verdict, SealInfo>Right)
                                        .returns(CONTROL_TYPE)
                                        .name("seals")
                                        .uid("exoclone-seals")
                                        .setBufferTimeout(VERDICT_BUFFER_TIMEOUT_MS));
        SingleOutputStreamOperator<PendingFile> files =
                chunks.keyBy(c -> c.snapshotId, Types.STRING)
                        .connect(control.keyBy(AssembleJob::snapshotOf, Types.STRING))
                        .process(
                                new SnapshotAssembler(
                                        o.target(),
                                        o.hadoopProperties(),
                                        o.compression(),
                                        BLOCK_SIZE))
                        .name("assemble")
                        .uid("exoclone-assemble");
        files.sinkTo(
                        new ExocloneFileSink(
                                o.target(),
                                o.hadoopProperties(),
                                new PublishToKafka(publishedSink(o))))
                .name("exoclone-files")
                .uid("exoclone-files");

        decoded.getSideOutput(DeadLetters.TAG)
                .union(chunks.getSideOutput(DeadLetters.TAG), files.getSideOutput(DeadLetters.TAG))
                .sinkTo(deadLetterSink(o))
                .name("dead-letters")
                .uid("exoclone-dead-letters");
    }

    /** Builds the job into {@code env} and starts it without waiting for it to end. */
    public static JobClient start(StreamExecutionEnvironment env, AssembleOptions o)
            throws Exception {
        build(env, o);
        return env.executeAsync(JOB_NAME);
    }

    private static KafkaSink<PendingFile> publishedSink(AssembleOptions o) {
        long timeout = Math.min(900_000, Math.max(60_000, 10 * o.checkpointIntervalMs()));
        return KafkaSink.<PendingFile>builder()
                .setBootstrapServers(o.bootstrap())
                .setRecordSerializer(new PublishedRecordSerializer(o.publishedTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(o.transactionalIdPrefix())
                .setProperty("transaction.timeout.ms", Long.toString(timeout))
                .build();
    }

    private static KafkaSink<byte[]> deadLetterSink(AssembleOptions o) {
        return KafkaSink.<byte[]>builder()
                .setBootstrapServers(o.bootstrap())
                .setRecordSerializer(new DeadLetterRecordSerializer(o.deadLetterTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}

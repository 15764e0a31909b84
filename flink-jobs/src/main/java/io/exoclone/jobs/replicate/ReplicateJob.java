package io.exoclone.jobs.replicate;

import io.exoclone.jobs.assemble.DeadLetterRecordSerializer;
import io.exoclone.jobs.assemble.DeadLetters;
import io.exoclone.jobs.assemble.RawRecord;
import io.exoclone.jobs.assemble.RawRecordDeserializer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Continuous replication into one replica pool: {@code exoclone.published} (read committed) ->
 * decode -> key by volume id -> {@link ReplicaApplier} (parallelism 1: one process owns a pool) ->
 * {@code exoclone.replica-status}; records that do not decode go to {@code exoclone.dead-letter}
 * with the reason (at least once), and the job keeps running.
 *
 * <p>Only wiring lives here; every operator has a stable uid so that a savepoint of one version
 * restores into the next. Statuses are written at least once: a status is idempotent by its {@code
 * appliedId}, so a duplicate after a restart says nothing new. Scale out with one job (and one
 * pool) per site or per group of volumes, not with parallelism.
 */
public final class ReplicateJob {
    public static final String PUBLISHED_TOPIC = "exoclone.published";
    public static final String STATUS_TOPIC = "exoclone.replica-status";
    public static final String DEAD_LETTER_TOPIC = "exoclone.dead-letter";

    private final Settings settings;

    private ReplicateJob(Settings settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Settings settings() {
        return settings;
    }

    /** Adds the job's operators to {@code env}; call {@code env.execute(jobName())} after. */
    public void addTo(StreamExecutionEnvironment env) {
        Settings s = settings;
        if (s.checkpointIntervalMillis() > 0) {
            env.enableCheckpointing(s.checkpointIntervalMillis());
        }
        KafkaSourceBuilder<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(s.bootstrap())
                        .setTopics(s.publishedTopic())
                        .setGroupId(s.groupId())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setProperty("isolation.level", "read_committed")
                        .setDeserializer(new RawRecordDeserializer());
        if (s.bounded()) {
            source.setBounded(OffsetsInitializer.latest());
        }
        SingleOutputStreamOperator<Published> decoded =
                env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "published")
                        .uid("replicate-published-source")
                        .process(new PublishedDecoder())
                        .name("decode published")
                        .uid("replicate-decode");
        DataStream<StatusRecord> statuses =
                decoded.keyBy(Published::volumeId)
                        .process(
                                new ReplicaApplier(
                                        s.site(),
                                        s.poolDir(),
                                        s.stagingDir(),
                                        s.hadoopProperties(),
                                        s.retryMillis()))
                        .name("apply to replica pool")
                        .uid("replicate-apply")
                        .setParallelism(1)
                        .setMaxParallelism(1);
        statuses.sinkTo(
                        KafkaSink.<StatusRecord>builder()
                                .setBootstrapServers(s.bootstrap())
                                .setRecordSerializer(new StatusSerializer(s.statusTopic()))
                                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                                .build())
                .name("replica status")
                .uid("replicate-status-sink")
                .setParallelism(1);
        decoded.getSideOutput(DeadLetters.TAG)
                .sinkTo(
                        KafkaSink.<byte[]>builder()
                                .setBootstrapServers(s.bootstrap())
                                .setRecordSerializer(
                                        new DeadLetterRecordSerializer(s.deadLetterTopic()))
                                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                                .build())
                .name("dead letters")
                .uid("replicate-dead-letters");
    }

    public String jobName() {
        return "exoclone replicate to " + settings.site();
    }

    /** Writes a status keyed by volume id, so a volume's statuses stay in order. */
    static final class StatusSerializer implements KafkaRecordSerializationSchema<StatusRecord> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        StatusSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                StatusRecord element, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(
                    topic, element.volumeId().getBytes(StandardCharsets.UTF_8), element.event());
        }
    }

    /**
     * What the job needs.
     *
     * @param bounded stop after the records published when the job started (catch up, then exit)
     * @param checkpointIntervalMillis 0 for no checkpoints
     */
    public record Settings(
            String bootstrap,
            String poolDir,
            String site,
            String groupId,
            String publishedTopic,
            String statusTopic,
            String deadLetterTopic,
            String stagingDir,
            Map<String, String> hadoopProperties,
            long retryMillis,
            long checkpointIntervalMillis,
            boolean bounded) {}

    public static final class Builder {
        private String bootstrap;
        private String poolDir;
        private String site = "replica";
        private String groupId;
        private String publishedTopic = PUBLISHED_TOPIC;
        private String statusTopic = STATUS_TOPIC;
        private String deadLetterTopic = DEAD_LETTER_TOPIC;
        private String stagingDir;
        private final Map<String, String> hadoopProperties = new HashMap<>();
        private long retryMillis = 1000;
        private long checkpointIntervalMillis = 10_000;
        private boolean bounded;

        public Builder bootstrap(String hostPort) {
            this.bootstrap = hostPort;
            return this;
        }

        public Builder poolDir(String dir) {
            this.poolDir = dir;
            return this;
        }

        public Builder site(String name) {
            this.site = name;
            return this;
        }

        /** Kafka consumer group; {@code exoclone-replicate-SITE} by default. */
        public Builder groupId(String id) {
            this.groupId = id;
            return this;
        }

        public Builder publishedTopic(String topic) {
            this.publishedTopic = topic;
            return this;
        }

        public Builder statusTopic(String topic) {
            this.statusTopic = topic;
            return this;
        }

        /** Where records that do not decode go; {@code exoclone.dead-letter} by default. */
        public Builder deadLetterTopic(String topic) {
            this.deadLetterTopic = topic;
            return this;
        }

        public Builder stagingDir(String dir) {
            this.stagingDir = dir;
            return this;
        }

        public Builder hadoopProperties(Map<String, String> properties) {
            this.hadoopProperties.putAll(properties);
            return this;
        }

        public Builder retryMillis(long millis) {
            this.retryMillis = millis;
            return this;
        }

        public Builder checkpointIntervalMillis(long millis) {
            this.checkpointIntervalMillis = millis;
            return this;
        }

        public Builder bounded(boolean bounded) {
            this.bounded = bounded;
            return this;
        }

        public ReplicateJob build() {
            require(bootstrap, "Kafka bootstrap servers");
            require(poolDir, "Replica pool directory");
            require(site, "Site name");
            require(publishedTopic, "Published topic");
            require(statusTopic, "Status topic");
            require(deadLetterTopic, "Dead-letter topic");
            if (retryMillis <= 0) {
                throw new IllegalArgumentException(
                        "Retry interval must be positive: " + retryMillis + " ms");
            }
            if (checkpointIntervalMillis < 0) {
                throw new IllegalArgumentException(
                        "Checkpoint interval must be 0 (off) or positive: "
                                + checkpointIntervalMillis
                                + " ms");
            }
            return new ReplicateJob(
                    new Settings(
                            bootstrap,
                            poolDir,
                            site,
                            Objects.requireNonNullElse(groupId, "exoclone-replicate-" + site),
                            publishedTopic,
                            statusTopic,
                            deadLetterTopic,
                            stagingDir,
                            Map.copyOf(hadoopProperties),
                            retryMillis,
                            checkpointIntervalMillis,
                            bounded));
        }

        private static void require(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must be given, got: " + value);
            }
        }
    }
}

package io.exoclone.jobs.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.schemas.DeadLetter;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.schemas.ReplicaState;
import io.exoclone.schemas.ReplicaStatus;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReplicateJob end to end on a real broker and MiniCluster with {@code file://} storage: exo-clones
 * of two volumes published out of lineage order (plus a duplicate and a record that is not an
 * event) all land in an empty replica pool with the source's roots and bytes, each imported once;
 * the record that is not an event goes to the dead-letter topic and the job keeps going.
 */
class ReplicateJobITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();
    @RegisterExtension static final LocalFlinkCluster FLINK = new LocalFlinkCluster();

    @TempDir Path dir;

    @Test
    void replicatesOutOfOrderPublicationsInLineageOrder() throws Exception {
        SourceSite source = new SourceSite(dir);
        Path replica = dir.resolve("site-b");
        Pool.create(replica).close();
        KAFKA.createTopic(ReplicateJob.PUBLISHED_TOPIC, 1);
        KAFKA.createTopic(ReplicateJob.STATUS_TOPIC, 1);
        KAFKA.createTopic(ReplicateJob.DEAD_LETTER_TOPIC, 1);

        List<ExoclonePublished> alpha = new ArrayList<>(source.alpha);
        List<ExoclonePublished> beta = new ArrayList<>(source.beta);
        Collections.reverse(alpha);
        Collections.reverse(beta);
        List<ExoclonePublished> published = new ArrayList<>(alpha);
        published.addAll(beta);
        published.add(source.alpha.get(0)); // a replay
        publishTransactionally(published);

        ReplicateJob job =
                ReplicateJob.builder()
                        .bootstrap(KAFKA.bootstrapServers())
                        .poolDir(replica.toString())
                        .site("site-b")
                        .bounded(true)
                        .build();
        StreamExecutionEnvironment env = FLINK.environment();
        job.addTo(env);
        env.execute(job.jobName());

        // 7 records: 4 + 2 APPLIED, 3 + 1 WAITING (children before parents), 1 "Already present"
        List<ReplicaStatus> statuses = readStatuses(11);
        Map<String, ReplicaStatus> applied = new HashMap<>();
        for (ReplicaStatus s : statuses) {
            assertThat(s.getStatus()).isIn(ReplicaState.APPLIED, ReplicaState.WAITING_FOR_PARENT);
            if (s.getStatus() == ReplicaState.APPLIED && s.getMessage() == null) {
                assertThat(applied.put(s.getAppliedId(), s)).as("imported once").isNull();
            }
        }
        assertThat(applied.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        source.all().stream().map(ExoclonePublished::getExocloneId).toList());

        try (Pool a = Pool.open(source.poolDir);
                Pool b = Pool.open(replica)) {
            assertThat(b.snapshots()).hasSize(source.all().size());
            for (ExoclonePublished e : source.all()) {
                UUID id = UUID.fromString(e.getExocloneId());
                Snapshot original = a.findSnapshot(id).orElseThrow();
                Snapshot copy = b.findSnapshot(id).orElseThrow();
                assertThat(copy.rootHashHex()).isEqualTo(original.rootHashHex());
                assertThat(applied.get(e.getExocloneId()).getRootHash()).isEqualTo(e.getRootHash());
                assertThat(copy.parentId()).isEqualTo(original.parentId());
                assertThat(b.read(id, 0, (int) copy.size()))
                        .isEqualTo(a.read(id, 0, (int) original.size()));
            }
        }
        assertThat(Files.exists(dir.resolve("site-b.staging")))
                .as("file:// URIs are imported in place, nothing staged")
                .isFalse();
        assertJunkDeadLettered(ReplicateJob.DEAD_LETTER_TOPIC, ReplicateJob.PUBLISHED_TOPIC);
    }

    @Test
    void theContinuousJobAppliesWhatArrivesAndReleasesThePoolWhenCancelled() throws Exception {
        SourceSite source = new SourceSite(dir);
        Path replica = dir.resolve("site-c");
        Pool.create(replica).close();
        String publishedTopic = "continuous.published";
        String statusTopic = "continuous.replica-status";
        String deadLetterTopic = "continuous.dead-letter";
        KAFKA.createTopic(publishedTopic, 1);
        KAFKA.createTopic(statusTopic, 1);
        KAFKA.createTopic(deadLetterTopic, 1);
        ReplicateJob job =
                ReplicateJob.builder()
                        .bootstrap(KAFKA.bootstrapServers())
                        .poolDir(replica.toString())
                        .site("site-c")
                        .publishedTopic(publishedTopic)
                        .statusTopic(statusTopic)
                        .deadLetterTopic(deadLetterTopic)
                        .checkpointIntervalMillis(1000)
                        .build();
        StreamExecutionEnvironment env = FLINK.environment();
        job.addTo(env);
        JobClient client = env.executeAsync(job.jobName());

        List<ExoclonePublished> alpha = new ArrayList<>(source.alpha);
        Collections.reverse(alpha);
        // A record that is not an event comes first: it is dead-lettered and the job goes on.
        publishTransactionally(publishedTopic, alpha, true);
        List<ReplicaStatus> first = readStatuses(statusTopic, 4 + 3);
        publishTransactionally(publishedTopic, source.beta, false);
        List<ReplicaStatus> all = readStatuses(statusTopic, 4 + 3 + 2);
        client.cancel().get(30, TimeUnit.SECONDS);
        waitUntilTerminal(client);

        assertThat(first.stream().filter(s -> s.getStatus() == ReplicaState.APPLIED)).hasSize(4);
        assertJunkDeadLettered(deadLetterTopic, publishedTopic);
        assertThat(all.stream().filter(s -> s.getStatus() == ReplicaState.APPLIED)).hasSize(6);
        try (Pool b = Pool.open(replica)) { // the job closed the pool: the lock is free
            assertThat(b.snapshots()).hasSize(6);
        }
    }

    private static void waitUntilTerminal(JobClient client) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!client.getJobStatus().get().isGloballyTerminalState()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static void publishTransactionally(List<ExoclonePublished> events) {
        publishTransactionally(ReplicateJob.PUBLISHED_TOPIC, events, true);
    }

    private static void publishTransactionally(
            String topic, List<ExoclonePublished> events, boolean withJunk) {
        EventCodec codec = new EventCodec();
        Properties props = KAFKA.clientProperties();
        props.put("transactional.id", "replicate-itcase-" + topic);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            if (withJunk) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                "junk".getBytes(StandardCharsets.UTF_8),
                                "not an event".getBytes(StandardCharsets.UTF_8)));
            }
            for (ExoclonePublished e : events) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                e.getVolumeId().getBytes(StandardCharsets.UTF_8),
                                codec.encode(e)));
            }
            producer.commitTransaction();
        }
    }

    /** The one junk record of {@link #publishTransactionally} is on the dead-letter topic. */
    private static void assertJunkDeadLettered(String deadLetterTopic, String publishedTopic) {
        EventCodec codec = new EventCodec();
        List<DeadLetter> dead =
                readAll(deadLetterTopic, 1).stream()
                        .map(v -> codec.decode(v, DeadLetter.class))
                        .toList();
        assertThat(dead).hasSize(1);
        DeadLetter d = dead.get(0);
        assertThat(d.getTopic()).isEqualTo(publishedTopic);
        assertThat(d.getPartition()).isZero();
        assertThat(d.getOffset()).isZero(); // the first record of the transaction
        assertThat(d.getKey()).isEqualTo(ByteBuffer.wrap("junk".getBytes(StandardCharsets.UTF_8)));
        assertThat(d.getValue())
                .isEqualTo(ByteBuffer.wrap("not an event".getBytes(StandardCharsets.UTF_8)));
        assertThat(d.getReason()).startsWith("Not an ExoclonePublished event: ");
    }

    private static List<byte[]> readAll(String topic, int atLeast) {
        Properties props = KAFKA.clientProperties();
        props.put("group.id", "replicate-itcase-reader-" + topic);
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        List<byte[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(r.value());
                }
            }
            // Anything more would show up right behind: look a little longer.
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                out.add(r.value());
            }
        }
        return out;
    }

    private static List<ReplicaStatus> readStatuses(int atLeast) {
        return readStatuses(ReplicateJob.STATUS_TOPIC, atLeast);
    }

    private static List<ReplicaStatus> readStatuses(String topic, int atLeast) {
        EventCodec codec = new EventCodec();
        Properties props = KAFKA.clientProperties();
        props.put("group.id", "replicate-itcase-reader-" + topic);
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false"); // every read starts from the beginning
        List<ReplicaStatus> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(codec.decode(r.value(), ReplicaStatus.class));
                }
            }
        }
        return out;
    }
}

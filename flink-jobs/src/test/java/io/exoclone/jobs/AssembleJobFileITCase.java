package io.exoclone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.schemas.DeadLetter;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on {@code file://}: a pool's change feed becomes exo-clone files that replicate it.
 */
class AssembleJobFileITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @RegisterExtension
    static final LocalFlinkCluster FLINK = LocalFlinkCluster.builder().taskSlots(2).build();

    @TempDir Path tmp;

    @Test
    void snapshotsOfTwoVolumesBecomeDeduplicatedFilesThatReplicate() throws Exception {
        String prefix = "file-";
        EndToEnd.createTopic(KAFKA, prefix + "node-changes", 2);
        EndToEnd.createTopic(KAFKA, prefix + "published", 1);
        EndToEnd.createTopic(KAFKA, prefix + "dead-letter", 1);
        Path target = Files.createDirectories(tmp.resolve("exoclones"));
        AssembleOptions options =
                AssembleOptions.builder()
                        .bootstrap(KAFKA.bootstrapServers())
                        .target(target.toUri().toString())
                        .set("topic.node-changes", prefix + "node-changes")
                        .set("topic.published", prefix + "published")
                        .set("topic.dead-letter", prefix + "dead-letter")
                        .set("transactional.id.prefix", prefix + "assemble")
                        .set("group.id", prefix + "assemble")
                        .checkpointIntervalMs(500)
                        .checkpointDir(tmp.resolve("checkpoints").toUri().toString())
                        .parallelism(2)
                        .build();

        try (Pool source = Pool.create(tmp.resolve("source"));
                ChangeFeedProducer feed =
                        new ChangeFeedProducer(
                                KAFKA.clientProperties(), prefix + "node-changes", 40 << 10)) {
            JobClient job = AssembleJob.start(FLINK.environment(), options);
            SharedWorkload workload = new SharedWorkload(source, 42);
            List<UUID> snapshots = new ArrayList<>();
            for (int i = 0; i < SharedWorkload.STEPS; i++) {
                UUID id = workload.step(i);
                snapshots.add(id);
                feed.publish(source, id);
                if (i == 1) {
                    feed.sendRaw("x".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
                }
            }

            List<ExoclonePublished> published =
                    ReplicaCheck.readPublished(
                            KAFKA.clientProperties(),
                            prefix + "published",
                            snapshots.size(),
                            Duration.ofSeconds(120));
            assertThat(published)
                    .extracting(ExoclonePublished::getExocloneId)
                    .containsExactlyInAnyOrderElementsOf(
                            snapshots.stream().map(UUID::toString).toList());
            // All four go out at once, so a1 and b1 (and a2 and b2) race to the dedup index:
            // whichever order, references only point backwards (the files import) and b1's
            // repeat of its own 64 KiB is always a self-reference.
            assertThat(published.stream().mapToLong(ExoclonePublished::getDedupBytes).sum())
                    .isGreaterThanOrEqualTo(64 << 10);

            try (Stream<Path> files = Files.walk(target)) {
                List<String> names =
                        files.filter(Files::isRegularFile)
                                .map(p -> p.getFileName().toString())
                                .toList();
                assertThat(names).hasSize(snapshots.size()).allMatch(n -> n.endsWith(".exo"));
            }
            ReplicaCheck.importAndCompare(source, snapshots, published, Map.of(), tmp);
            assertThat(readDeadLetters(prefix + "dead-letter", 1)).hasSize(1);
            Map<String, Object> accumulators = job.getAccumulators().get();
            job.cancel().get();
            System.out.println(prefix + " accumulators: " + accumulators);
        }
    }

    private static List<DeadLetter> readDeadLetters(String topic, int expected) {
        Properties p = new Properties();
        p.putAll(KAFKA.clientProperties());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        EventCodec codec = new EventCodec();
        List<DeadLetter> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200))
                        .forEach(r -> out.add(codec.decode(r.value(), DeadLetter.class)));
            }
        }
        return out;
    }
}

package io.exoclone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented upgrade path (README, "Upgrading AssembleJob"): drain, stop with a savepoint,
 * start the job again from it. The restored job keeps its dedup index (a snapshot published while
 * the job was down references the file written before the stop), publishes no file twice, and every
 * file imports. Restart strategy none: a failure fails the test.
 */
class AssembleJobSavepointITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @RegisterExtension
    static final LocalFlinkCluster FLINK = LocalFlinkCluster.builder().taskSlots(2).build();

    private static final String PREFIX = "upgrade-";

    @TempDir Path tmp;

    @Test
    void aDrainedJobStoppedWithASavepointResumesWithItsDedupIndex() throws Exception {
        EndToEnd.createTopic(KAFKA, PREFIX + "node-changes", 2);
        EndToEnd.createTopic(KAFKA, PREFIX + "published", 1);
        EndToEnd.createTopic(KAFKA, PREFIX + "dead-letter", 1);
        Path target = Files.createDirectories(tmp.resolve("exoclones"));
        AssembleOptions options =
                AssembleOptions.builder()
                        .bootstrap(KAFKA.bootstrapServers())
                        .target(target.toUri().toString())
                        .set("topic.node-changes", PREFIX + "node-changes")
                        .set("topic.published", PREFIX + "published")
                        .set("topic.dead-letter", PREFIX + "dead-letter")
                        .set("transactional.id.prefix", PREFIX + "assemble")
                        .set("group.id", PREFIX + "assemble")
                        .checkpointIntervalMs(500)
                        .checkpointDir(tmp.resolve("checkpoints").toUri().toString())
                        .parallelism(2)
                        .build();
        List<UUID> snapshots = new ArrayList<>();
        try (Pool source = Pool.create(tmp.resolve("source"));
                ChangeFeedProducer feed =
                        new ChangeFeedProducer(
                                KAFKA.clientProperties(), PREFIX + "node-changes", 40 << 10)) {
            SharedWorkload workload = new SharedWorkload(source, 7);

            // 1. The old run: a1 goes through; the feed is drained (a1 published), then stop.
            StreamExecutionEnvironment env = FLINK.environment();
            AssembleJob.build(env, options);
            JobClient first = env.executeAsync(AssembleJob.JOB_NAME);
            snapshots.add(workload.step(0));
            feed.publish(source, snapshots.get(0));
            assertThat(published(1, Duration.ZERO)).hasSize(1);
            String savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    tmp.resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);

            // 2. While it is down the feed goes on: b1 shares half of a1's data.
            for (int i = 1; i < SharedWorkload.STEPS; i++) {
                snapshots.add(workload.step(i));
                feed.publish(source, snapshots.get(i));
            }

            // 3. The new run starts from the savepoint.
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            StreamExecutionEnvironment env2 = FLINK.environment(restore);
            AssembleJob.build(env2, options);
            JobClient second = env2.executeAsync(AssembleJob.JOB_NAME);
            List<ExoclonePublished> all = published(snapshots.size(), Duration.ofSeconds(3));
            second.cancel().get();

            assertThat(all)
                    .extracting(ExoclonePublished::getExocloneId)
                    .as("each snapshot published exactly once, across the stop")
                    .containsExactlyInAnyOrderElementsOf(
                            snapshots.stream().map(UUID::toString).toList());
            ExoclonePublished b1 =
                    all.stream()
                            .filter(p -> p.getExocloneId().equals(snapshots.get(1).toString()))
                            .findFirst()
                            .orElseThrow();
            assertThat(b1.getDedupBytes())
                    .as("b1 dedups against a1, known only from the restored index")
                    .isGreaterThanOrEqualTo(512 << 10);
            assertThat(b1.getDedupIds()).contains(snapshots.get(0).toString());
            assertThat(EndToEnd.listFiles(target.toUri(), Map.of()))
                    .hasSize(snapshots.size())
                    .allMatch(n -> n.endsWith(".exo") && !n.startsWith("."));
            ReplicaCheck.importAndCompare(source, snapshots, all, Map.of(), tmp);
        }
    }

    private static List<ExoclonePublished> published(int expected, Duration settle) {
        return ReplicaCheck.readPublished(
                KAFKA.clientProperties(),
                PREFIX + "published",
                expected,
                Duration.ofSeconds(90),
                settle);
    }
}

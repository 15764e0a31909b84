package io.exoclone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.jobs.assemble.DedupIndexUpgrade;
import io.exoclone.jobs.assemble.LegacyDedupFunction;
import io.exoclone.jobs.pipeline.ChildCli;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.server.CliProcess;
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

    @TempDir Path tmp;

    @Test
    void aDrainedJobStoppedWithASavepointResumesWithItsDedupIndex() throws Exception {
        resumesWithItsDedupIndex("resume-", false);
    }

    /**
     * The savepoint of the version before the bucketed dedup index (its dedup operator runs here as
     * {@link LegacyDedupFunction}), upgraded by {@link DedupIndexUpgrade}: the new job resumes from
     * it with the old index's entries.
     */
    @Test
    void aSavepointOfTheOldDedupIndexIsUpgradedAndResumesWithIt() throws Exception {
        resumesWithItsDedupIndex("upgrade-", true);
    }

    private void resumesWithItsDedupIndex(String prefix, boolean fromLegacy) throws Exception {
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
        List<UUID> snapshots = new ArrayList<>();
        try (Pool source = Pool.create(tmp.resolve("source"));
                ChangeFeedProducer feed =
                        new ChangeFeedProducer(
                                KAFKA.clientProperties(), prefix + "node-changes", 40 << 10)) {
            SharedWorkload workload = new SharedWorkload(source, 7);

            // 1. The old run: a1 goes through; the feed is drained (a1 published), then stop.
            StreamExecutionEnvironment env = FLINK.environment();
            if (fromLegacy) {
                AssembleJob.build(
                        env,
                        options,
                        java.util.function.UnaryOperator.identity(),
                        claims ->
                                claims.keyBy(
                                                c -> io.exoclone.engine.Hex.encode(c.contentHash),
                                                org.apache.flink.api.common.typeinfo.Types.STRING)
                                        .process(new LegacyDedupFunction(Pool.BLOCK_SIZE))
                                        .name("dedup")
                                        .uid(DedupIndexUpgrade.LEGACY_UID));
            } else {
                AssembleJob.build(env, options);
            }
            JobClient first = env.executeAsync(AssembleJob.JOB_NAME);
            snapshots.add(workload.step(0));
            feed.publish(source, snapshots.get(0));
            assertThat(published(prefix, 1, Duration.ZERO)).hasSize(1);
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

            assertThat(DedupIndexUpgrade.needed(savepoint)).isEqualTo(fromLegacy);
            if (fromLegacy) {
                // As a user upgrades: the launcher script, in a process of its own.
                String upgraded = tmp.resolve("upgraded").toUri().toString();
                Path root = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
                try (CliProcess upgrade =
                        ChildCli.launcher(
                                root,
                                "assemble",
                                "upgrade-savepoint",
                                savepoint,
                                "--to",
                                upgraded)) {
                    assertThat(upgrade.waitFor(Duration.ofMinutes(3))).as("%s", upgrade).isZero();
                    assertThat(upgrade.stdout().strip()).isEqualTo(upgraded);
                    java.util.regex.Matcher carried =
                            java.util.regex.Pattern.compile(
                                            "(\\d+) content hash\\(es\\) carried over into ")
                                    .matcher(upgrade.ownStderr());
                    assertThat(carried.find()).as("%s", upgrade).isTrue();
                    assertThat(Long.parseLong(carried.group(1)))
                            .as("a1's chunks: 1 MiB of 64 KiB chunks at least")
                            .isGreaterThanOrEqualTo(16);
                }
                assertThat(DedupIndexUpgrade.needed(upgraded)).isFalse();
                savepoint = upgraded;
            }

            // 3. The new run starts from the savepoint.
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            StreamExecutionEnvironment env2 = FLINK.environment(restore);
            AssembleJob.build(env2, options);
            JobClient second = env2.executeAsync(AssembleJob.JOB_NAME);
            List<ExoclonePublished> all =
                    published(prefix, snapshots.size(), Duration.ofSeconds(3));
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

    private static List<ExoclonePublished> published(String prefix, int expected, Duration settle) {
        return ReplicaCheck.readPublished(
                KAFKA.clientProperties(),
                prefix + "published",
                expected,
                Duration.ofSeconds(90),
                settle);
    }
}

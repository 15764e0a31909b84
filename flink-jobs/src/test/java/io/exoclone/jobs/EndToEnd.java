package io.exoclone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.format.Compression;
import io.exoclone.jobs.assemble.FeedEvent;
import io.exoclone.jobs.assemble.SnapshotAssembler;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The end-to-end scenario every backend runs: start the job, stream the {@link SharedWorkload}
 * snapshots one at a time, wait for every file to be published, then check files, dedup (the shared
 * data is stored once) and a replica.
 */
final class EndToEnd {
    private EndToEnd() {}

    /** Returns the job's accumulators, read just before it is cancelled. */
    static Map<String, Object> run(
            EmbeddedKafka kafka,
            LocalFlinkCluster flink,
            URI target,
            Map<String, String> hadoop,
            String prefix,
            Path tmp,
            UnaryOperator<DataStream<FeedEvent>> afterDecode,
            boolean oneAtATime)
            throws Exception {
        return run(
                kafka,
                flink,
                target,
                hadoop,
                prefix,
                tmp,
                afterDecode,
                oneAtATime,
                Compression.NONE);
    }

    /** As above, with the files' payload stored with {@code compression}. */
    static Map<String, Object> run(
            EmbeddedKafka kafka,
            LocalFlinkCluster flink,
            URI target,
            Map<String, String> hadoop,
            String prefix,
            Path tmp,
            UnaryOperator<DataStream<FeedEvent>> afterDecode,
            boolean oneAtATime,
            Compression compression)
            throws Exception {
        createTopic(kafka, prefix + "node-changes", 2);
        createTopic(kafka, prefix + "published", 1);
        createTopic(kafka, prefix + "dead-letter", 1);
        AssembleOptions options =
                AssembleOptions.builder()
                        .bootstrap(kafka.bootstrapServers())
                        .target(target.toString())
                        .set("topic.node-changes", prefix + "node-changes")
                        .set("topic.published", prefix + "published")
                        .set("topic.dead-letter", prefix + "dead-letter")
                        .set("transactional.id.prefix", prefix + "assemble")
                        .set("group.id", prefix + "assemble")
                        .hadoop(hadoop)
                        .checkpointIntervalMs(500)
                        .checkpointDir(tmp.resolve("checkpoints").toUri().toString())
                        .parallelism(2)
                        .compression(compression.name().toLowerCase(java.util.Locale.ROOT))
                        .build();
        try (Pool source = Pool.create(tmp.resolve("source"));
                ChangeFeedProducer feed =
                        new ChangeFeedProducer(
                                kafka.clientProperties(), prefix + "node-changes", 40 << 10)) {
            var env = flink.environment();
            AssembleJob.build(env, options, afterDecode);
            JobClient job = env.executeAsync(AssembleJob.JOB_NAME);
            SharedWorkload workload = new SharedWorkload(source, 42);
            List<UUID> snapshots = new ArrayList<>();
            for (int i = 0; i < SharedWorkload.STEPS; i++) {
                UUID id = workload.step(i);
                snapshots.add(id);
                feed.publish(source, id);
                if (oneAtATime && i < SharedWorkload.STEPS - 1) {
                    // The next snapshot goes out once this one's file is published, so the dedup
                    // index already knows its chunks (concurrent snapshots may each keep a copy).
                    assertThat(
                                    ReplicaCheck.readPublished(
                                            kafka.clientProperties(),
                                            prefix + "published",
                                            i + 1,
                                            Duration.ofSeconds(60),
                                            Duration.ZERO))
                            .hasSize(i + 1);
                }
            }
            List<ExoclonePublished> published =
                    ReplicaCheck.readPublished(
                            kafka.clientProperties(),
                            prefix + "published",
                            snapshots.size(),
                            Duration.ofSeconds(150));
            assertThat(published)
                    .extracting(ExoclonePublished::getExocloneId)
                    .as("each snapshot published exactly once")
                    .containsExactlyInAnyOrderElementsOf(
                            snapshots.stream().map(UUID::toString).toList());
            assertThat(published.stream().mapToLong(ExoclonePublished::getDedupBytes).sum())
                    .as("shared bytes stored once")
                    .isGreaterThanOrEqualTo(512 << 10);
            assertThat(listFiles(target, hadoop))
                    .as("files under %s", target)
                    .hasSize(snapshots.size())
                    .allMatch(n -> n.endsWith(".exo") && !n.startsWith("."));
            ReplicaCheck.importAndCompare(source, snapshots, published, hadoop, tmp, compression);
            // A running job's accumulators reach the JobManager with the task managers'
            // heartbeats: right after a restore the new attempts may not have reported yet.
            Map<String, Object> accumulators = job.getAccumulators().get();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!accumulators.containsKey(SnapshotAssembler.FILES_RESUMED)
                    && System.nanoTime() < deadline) {
                Thread.sleep(500);
                accumulators = job.getAccumulators().get();
            }
            job.cancel().get();
            System.out.println(prefix + " accumulators: " + accumulators);
            return accumulators;
        }
    }

    /**
     * {@link EmbeddedKafka#createTopic}, retried: right after creation the broker may not know the
     * topic yet when the helper describes it (creating an existing topic is a no-op).
     */
    static void createTopic(EmbeddedKafka kafka, String name, int partitions)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                kafka.createTopic(name, partitions);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Names of every file under {@code target}, recursively. */
    static List<String> listFiles(URI target, Map<String, String> hadoop) throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
        hadoop.forEach(conf::set);
        List<String> names = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(target, conf)) {
            RemoteIterator<LocatedFileStatus> it =
                    fs.listFiles(new org.apache.hadoop.fs.Path(target), true);
            while (it.hasNext()) {
                names.add(it.next().getPath().getName());
            }
        }
        return names;
    }
}

package io.exoclone.jobs;

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
import java.util.Random;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.core.execution.JobClient;

/**
 * Throughput of AssembleJob, source to committed file, on a workload where half of the changed data
 * repeats earlier data. Not a test: run it by hand (see BENCHMARKS.md, section AssembleJob).
 *
 * <p>Arguments: {@code [snapshots] [MiB per snapshot] [parallelism] [state backend]}.
 */
public final class AssembleThroughput {
    private AssembleThroughput() {}

    /** Heartbeats every second, so the job's accumulators are fresh when they are read. */
    private static Configuration heartbeats() {
        Configuration c = new Configuration();
        c.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        return c;
    }

    public static void main(String[] args) throws Exception {
        int snapshots = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String backend = args.length > 3 ? args[3] : "heap";
        Path tmp = Files.createTempDirectory("assemble-bench");
        try (EmbeddedKafka kafka = new EmbeddedKafka();
                LocalFlinkCluster flink =
                        LocalFlinkCluster.builder()
                                .taskSlots(parallelism)
                                .configuration(heartbeats())
                                .build()) {
            kafka.start();
            flink.start();
            EndToEnd.createTopic(kafka, "node-changes", 2);
            EndToEnd.createTopic(kafka, "published", 1);
            EndToEnd.createTopic(kafka, "dead-letter", 1);
            long changed = 0;
            List<UUID> ids = new ArrayList<>();
            try (Pool pool = Pool.create(tmp.resolve("source"));
                    ChangeFeedProducer feed =
                            new ChangeFeedProducer(
                                    kafka.clientProperties(), "node-changes", 512 << 10)) {
                Random random = new Random(1);
                long size = (long) mib << 21;
                pool.createVolume("a", size);
                pool.createVolume("b", size);
                List<byte[]> written = new ArrayList<>();
                int chunk = 64 << 10;
                for (int s = 0; s < snapshots; s++) {
                    String vol = s % 2 == 0 ? "a" : "b";
                    long base = (long) (s / 2) * mib << 20;
                    base %= size;
                    for (long off = 0; off < (long) mib << 20; off += chunk) {
                        byte[] data;
                        // Half the chunks repeat an earlier chunk (of either volume).
                        if (!written.isEmpty() && random.nextBoolean()) {
                            data = written.get(random.nextInt(written.size()));
                        } else {
                            data = new byte[chunk];
                            random.nextBytes(data);
                            written.add(data);
                        }
                        pool.volume(vol).write((base + off) % size, data);
                    }
                    ids.add(pool.snapshot(vol, "s" + s).id());
                }
                for (UUID id : ids) {
                    feed.publish(pool, id);
                    changed += pool.changes(id).dataBytes();
                }
            }
            AssembleOptions options =
                    AssembleOptions.builder()
                            .bootstrap(kafka.bootstrapServers())
                            .target(tmp.resolve("out").toUri().toString())
                            .set("topic.node-changes", "node-changes")
                            .set("topic.published", "published")
                            .set("topic.dead-letter", "dead-letter")
                            .checkpointIntervalMs(1000)
                            .checkpointDir(tmp.resolve("checkpoints").toUri().toString())
                            .parallelism(parallelism)
                            .stateBackend(backend)
                            .build();
            long start = System.nanoTime();
            JobClient job = AssembleJob.start(flink.environment(), options);
            List<ExoclonePublished> published =
                    ReplicaCheck.readPublished(
                            kafka.clientProperties(),
                            "published",
                            ids.size(),
                            Duration.ofMinutes(15));
            double seconds = (System.nanoTime() - start) / 1e9 - 2.0; // readPublished settles 2 s
            Thread.sleep(1500); // accumulators travel with the task managers' heartbeats
            Map<String, Object> accumulators = job.getAccumulators().get();
            job.cancel().get();
            System.out.println("accumulators: " + accumulators);
            long dedup = published.stream().mapToLong(ExoclonePublished::getDedupBytes).sum();
            long stored = published.stream().mapToLong(ExoclonePublished::getPayloadBytes).sum();
            System.out.printf(
                    "snapshots=%d published=%d changed=%.1f MiB stored=%.1f MiB dedup=%.1f MiB"
                            + " ratio=%.3f time=%.1f s throughput=%.1f MB/s (parallelism %d, %s)%n",
                    ids.size(),
                    published.size(),
                    changed / 1048576.0,
                    stored / 1048576.0,
                    dedup / 1048576.0,
                    (double) dedup / changed,
                    seconds,
                    changed / 1e6 / seconds,
                    parallelism,
                    backend);
        }
    }
}

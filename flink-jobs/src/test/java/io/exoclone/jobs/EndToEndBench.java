package io.exoclone.jobs;

import io.exoclone.connectors.feed.ChangeFeed;
import io.exoclone.connectors.feed.ChangeFeedConfig;
import io.exoclone.connectors.feed.FeedListener;
import io.exoclone.connectors.feed.PublishedSnapshot;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import io.exoclone.jobs.replicate.ReplicateJob;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.schemas.ReplicaState;
import io.exoclone.schemas.ReplicaStatus;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end benchmark of the whole pipeline in one JVM: pool A -> {@link ChangeFeed} -> in-process
 * Kafka broker -> AssembleJob -> {@code file://} exo-clone files -> ReplicateJob -> pool B, on a
 * MiniCluster bound to 127.0.0.1. A snapshot counts as replicated when ReplicateJob reports it
 * {@code APPLIED} with the source's root hash. Not a test: run it by hand (BENCHMARKS.md, section
 * "End to end").
 *
 * <p>{@code throughput MIB [SNAPSHOT_MIB] [PARALLELISM] [CHECKPOINT_MS]}: writes MIB of fresh
 * random data in 1 MiB writes, a snapshot every SNAPSHOT_MIB, alternating between two volumes, as
 * fast as the engine takes it; reports changed MB/s from the first write to the last import.
 *
 * <p>{@code lag SECONDS [MB_PER_SECOND] [PARALLELISM] [CHECKPOINT_MS]}: a writer changes
 * MB_PER_SECOND of one volume (64 KiB writes of fresh data at random places) and takes a snapshot
 * every second; lag per snapshot = replica import time - source snapshot time. Reports p50, p99 and
 * max, without the first 5 snapshots (warm-up).
 *
 * <p>Both print where the time goes, per snapshot (medians): snapshot -> change feed committed ->
 * file committed and its record written ({@code ExoclonePublished.createdMillis}) -> imported.
 */
public final class EndToEndBench {
    private static final String CHANGES = ChangeFeedConfig.DEFAULT_TOPIC;
    private static final String PUBLISHED = ReplicateJob.PUBLISHED_TOPIC;
    private static final String STATUS = ReplicateJob.STATUS_TOPIC;
    private static final int WARM_UP = 5;

    private final Map<String, Long> created = new ConcurrentHashMap<>();
    private final Map<String, Long> fed = new ConcurrentHashMap<>();
    private final Map<String, Long> published = new ConcurrentHashMap<>();
    private final Map<String, Long> imported = new ConcurrentHashMap<>();
    private final Map<String, Long> changedBytes = new ConcurrentHashMap<>();

    private EndToEndBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "throughput";
        int amount = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int second = args.length > 2 ? Integer.parseInt(args[2]) : mode.equals("lag") ? 10 : 16;
        int parallelism = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        long checkpointMs = args.length > 4 ? Long.parseLong(args[4]) : 1000;
        new EndToEndBench().run(mode, amount, second, parallelism, checkpointMs);
        System.exit(0); // the broker's and Flink's non-daemon threads
    }

    private void run(String mode, int amount, int second, int parallelism, long checkpointMs)
            throws Exception {
        Path tmp = Files.createTempDirectory("e2e-bench");
        try {
            run(tmp, mode, amount, second, parallelism, checkpointMs);
        } finally {
            deleteRecursively(tmp); // pools, files and checkpoints: about 1 GB per 512 MiB run
        }
    }

    private void run(
            Path tmp, String mode, int amount, int second, int parallelism, long checkpointMs)
            throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka();
                LocalFlinkCluster flink =
                        LocalFlinkCluster.builder().taskSlots(parallelism + 1).build()) {
            kafka.start();
            flink.start();
            kafka.createTopic(CHANGES, 2);
            kafka.createTopic(PUBLISHED, 1);
            kafka.createTopic(STATUS, 1);
            kafka.createTopic("exoclone.dead-letter", 1);
            Path replica = tmp.resolve("site-b");
            Pool.create(replica).close();

            AssembleOptions options =
                    AssembleOptions.builder()
                            .bootstrap(kafka.bootstrapServers())
                            .target(tmp.resolve("files").toUri().toString())
                            .checkpointIntervalMs(checkpointMs)
                            .checkpointDir(tmp.resolve("checkpoints").toUri().toString())
                            .parallelism(parallelism)
                            .build();
            JobClient assemble = AssembleJob.start(flink.environment(), options);
            ReplicateJob replicate =
                    ReplicateJob.builder()
                            .bootstrap(kafka.bootstrapServers())
                            .poolDir(replica.toString())
                            .site("bench")
                            .checkpointIntervalMillis(checkpointMs)
                            .build();
            StreamExecutionEnvironment env = flink.environment();
            env.setParallelism(1);
            replicate.addTo(env);
            JobClient replicateJob = env.executeAsync(replicate.jobName());

            Thread reader = new Thread(() -> read(kafka.bootstrapServers()), "bench-reader");
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(3000); // both jobs deployed and reading

            try (Pool source = Pool.create(tmp.resolve("site-a"));
                    ChangeFeed feed =
                            ChangeFeed.start(
                                    source,
                                    feedConfig(kafka.bootstrapServers()),
                                    new FeedListener() {
                                        @Override
                                        public void published(PublishedSnapshot s) {
                                            fed.put(
                                                    s.snapshotId().toString(),
                                                    System.currentTimeMillis());
                                            changedBytes.put(
                                                    s.snapshotId().toString(), s.dataBytes());
                                        }
                                    })) {
                if (mode.equals("lag")) {
                    lag(source, amount, second);
                } else {
                    throughput(source, amount, second);
                }
                printCpu(changedBytes.values().stream().mapToLong(Long::longValue).sum());
            }
            Map<String, Object> acc = assemble.getAccumulators().get();
            System.out.printf(
                    "assembler buffer peak (one subtask): %s chunks, %s bytes%n",
                    acc.get("exoclone-reorder-peak-chunks"),
                    acc.get("exoclone-reorder-peak-bytes"));
            assemble.cancel().get();
            replicateJob.cancel().get();
        }
        System.out.printf(
                "config: parallelism %d (AssembleJob) + 1 (ReplicateJob), checkpoints every %d ms,"
                        + " heap state, file:// target, topic with 2 partitions%n",
                parallelism, checkpointMs);
    }

    /**
     * The feed's settings: 2 partitions; {@code -Dbench.feedCompression=lz4} (or another codec)
     * sets the producer's {@code compression.type}, which the feed also puts on the topic it
     * creates.
     */
    private static ChangeFeedConfig feedConfig(String bootstrap) {
        ChangeFeedConfig.Builder b =
                ChangeFeedConfig.builder().bootstrapServers(bootstrap).topicPartitions(2);
        String compression = System.getProperty("bench.feedCompression");
        if (compression != null) {
            b.producerProperty("compression.type", compression);
        }
        return b.build();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void throughput(Pool source, int mib, int snapshotMib) throws Exception {
        source.createVolume("a", (long) mib << 20);
        source.createVolume("b", (long) mib << 20);
        SplittableRandom random = new SplittableRandom(1);
        byte[] buffer = new byte[1 << 20];
        // -Dbench.image=FILE: the data is FILE's bytes in order (a file-system image: a
        // compressible workload) instead of random bytes; wraps around at its end.
        String image = System.getProperty("bench.image");
        FileChannel imageChannel = image == null ? null : FileChannel.open(Path.of(image));
        long imageChunks = imageChannel == null ? 0 : imageChannel.size() >> 20;
        long chunk = 0;
        List<String> ids = new ArrayList<>();
        long start = System.currentTimeMillis();
        for (int s = 0; s * snapshotMib < mib; s++) {
            String volume = s % 2 == 0 ? "a" : "b";
            Volume v = source.volume(volume);
            long base = (long) (s / 2) * snapshotMib << 20;
            for (int i = 0; i < snapshotMib; i++) {
                if (imageChannel == null) {
                    random.nextBytes(buffer);
                } else {
                    ByteBuffer b = ByteBuffer.wrap(buffer);
                    long at = (chunk++ % imageChunks) << 20;
                    while (b.hasRemaining()) {
                        if (imageChannel.read(b, at + b.position()) < 0) {
                            throw new IOException("Short read of " + image);
                        }
                    }
                }
                v.write(base + ((long) i << 20), buffer);
            }
            Snapshot snap = source.snapshot(volume, "s" + s);
            created.put(snap.id().toString(), snap.created().toEpochMilli());
            ids.add(snap.id().toString());
        }
        long written = System.currentTimeMillis();
        if (imageChannel != null) {
            imageChannel.close();
        }
        long end = awaitImported(ids, Duration.ofMinutes(20));
        long bytes = (long) mib << 20;
        double seconds = (end - start) / 1000.0;
        System.out.printf(
                "throughput: %d MiB in %d snapshots of %d MiB; written to pool A in %.1f s;"
                        + " first write to last import %.1f s = %.1f MB/s (%.1f MiB/s)%n",
                mib,
                ids.size(),
                snapshotMib,
                (written - start) / 1000.0,
                seconds,
                bytes / 1e6 / seconds,
                bytes / 1048576.0 / seconds);
        System.out.printf(
                "last snapshot through each stage, from the first write: written %.1f s, feed"
                        + " committed %.1f s, file published %.1f s, imported %.1f s%n",
                (written - start) / 1000.0,
                (last(ids, fed) - start) / 1000.0,
                (last(ids, published) - start) / 1000.0,
                (end - start) / 1000.0);
        stages(ids, 0);
    }

    /**
     * CPU time of this JVM's live threads since they started, grouped by what they do (Flink task
     * threads are named after their operator chain): where the two cores went.
     */
    private static void printCpu(long changed) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new TreeMap<>();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long nanos = mx.getThreadCpuTime(t.getId());
            if (nanos <= 0) {
                continue;
            }
            total += nanos;
            byGroup.merge(group(t.getName()), nanos, Long::sum);
        }
        StringBuilder line = new StringBuilder("cpu seconds by thread group (live threads):");
        long all = total;
        byGroup.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(14)
                .forEach(
                        e ->
                                line.append(
                                        String.format(
                                                " %s %.1f (%.0f%%);",
                                                e.getKey(),
                                                e.getValue() / 1e9,
                                                100.0 * e.getValue() / all)));
        System.out.println(line);
        long outside =
                byGroup.entrySet().stream()
                        .filter(
                                e ->
                                        e.getKey().equals("writer(main)")
                                                || e.getKey().startsWith("other:exoclone-hasher")
                                                || e.getKey().startsWith("other:bench-reader"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
        System.out.printf(
                "cpu total %.1f s; pipeline (without the writer, its hash threads and the"
                        + " benchmark's reader) %.1f s = %.1f ms per MB of %.1f MB changed%n",
                total / 1e9,
                (total - outside) / 1e9,
                (total - outside) / 1e6 / (changed / 1e6),
                changed / 1e6);
    }

    private static String group(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("exoclone-feed")) {
            return "change-feed";
        }
        if (n.contains("kafka-producer-network-thread")) {
            return "kafka-producers";
        }
        if (n.contains("data-plane-kafka")
                || n.startsWith("kafka-")
                || n.contains("raft")
                || n.startsWith("executor-")
                || n.contains("expirationreaper")) {
            return "kafka-broker";
        }
        if (n.startsWith("main")) {
            return "writer(main)";
        }
        if (n.contains("apply to replica pool") || n.contains("published -> decode")) {
            return "replicate-job";
        }
        if (n.startsWith("outputflusher")) {
            return "flink-output-flushers";
        }
        if (n.contains("dedup")) {
            return "assemble:dedup";
        }
        if (n.contains("assemble -> exoclone-files") || n.startsWith("assemble")) {
            return "assemble:assemble+file sink";
        }
        if (n.contains("split")) {
            return "assemble:split";
        }
        if (n.contains("node-changes") || n.contains("decode")) {
            return "assemble:source+decode";
        }
        if (n.contains("source data fetcher") || n.contains("kafka-coordinator")) {
            return "flink-kafka-consumers";
        }
        if (n.contains("gc") || n.contains("g1")) {
            return "gc";
        }
        return "other:" + name.replaceAll("[0-9]+", "#");
    }

    private static long last(List<String> ids, Map<String, Long> times) {
        return ids.stream().mapToLong(id -> times.getOrDefault(id, 0L)).max().orElse(0);
    }

    private void lag(Pool source, int seconds, int mbPerSecond) throws Exception {
        long size = 1L << 30;
        Volume v = source.createVolume("churn", size);
        SplittableRandom random = new SplittableRandom(2);
        int write = 64 << 10;
        int writesPerSecond = (int) Math.ceil(mbPerSecond * 1e6 / write);
        byte[] buffer = new byte[write];
        List<String> ids = new ArrayList<>();
        long next = System.currentTimeMillis();
        long late = 0;
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < writesPerSecond; i++) {
                random.nextBytes(buffer);
                v.write((long) random.nextInt((int) (size / write)) * write, buffer);
            }
            Snapshot snap = source.snapshot("churn", "t" + s);
            created.put(snap.id().toString(), snap.created().toEpochMilli());
            ids.add(snap.id().toString());
            next += 1000;
            long wait = next - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            } else {
                late++;
            }
        }
        awaitImported(ids, Duration.ofMinutes(10));
        long[] lags =
                ids.subList(Math.min(WARM_UP, ids.size()), ids.size()).stream()
                        .mapToLong(id -> imported.get(id) - created.get(id))
                        .sorted()
                        .toArray();
        System.out.printf(
                "lag: %d snapshots, %d writes of 64 KiB (%.1f MB) each, one per second (writer"
                        + " late %d times); lag without the first %d: p50 %d ms, p99 %d ms, max %d"
                        + " ms%n",
                ids.size(),
                writesPerSecond,
                writesPerSecond * (double) write / 1e6,
                late,
                WARM_UP,
                percentile(lags, 50),
                percentile(lags, 99),
                lags[lags.length - 1]);
        stages(ids, WARM_UP);
    }

    /** Median time of each stage over the snapshots after {@code skip}. */
    private void stages(List<String> ids, int skip) {
        List<String> measured = ids.subList(Math.min(skip, ids.size()), ids.size());
        long[] feedStage = diff(measured, created, fed);
        long[] assembleStage = diff(measured, fed, published);
        long[] replicateStage = diff(measured, published, imported);
        System.out.printf(
                "stages (p50 / max): snapshot -> feed committed %d / %d ms; -> file committed and"
                        + " publish record written %d / %d ms; -> imported in pool B %d / %d ms%n",
                percentile(feedStage, 50),
                feedStage[feedStage.length - 1],
                percentile(assembleStage, 50),
                assembleStage[assembleStage.length - 1],
                percentile(replicateStage, 50),
                replicateStage[replicateStage.length - 1]);
        long total = measured.stream().mapToLong(id -> changedBytes.getOrDefault(id, 0L)).sum();
        System.out.printf(
                "changed data through the feed: %.1f MiB in %d snapshots%n",
                total / 1048576.0, measured.size());
    }

    private static long[] diff(List<String> ids, Map<String, Long> from, Map<String, Long> to) {
        return ids.stream()
                .filter(id -> from.containsKey(id) && to.containsKey(id))
                .mapToLong(id -> to.get(id) - from.get(id))
                .sorted()
                .toArray();
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Waits until every id is imported; returns the time of the last import. */
    private long awaitImported(List<String> ids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!imported.keySet().containsAll(ids)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Only "
                                + ids.stream().filter(imported::containsKey).count()
                                + " of "
                                + ids.size()
                                + " snapshots imported within "
                                + timeout);
            }
            Thread.sleep(50);
        }
        return ids.stream().mapToLong(imported::get).max().orElseThrow();
    }

    /** Records when each file was published and imported (the record's own timestamps). */
    private void read(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        EventCodec codec = new EventCodec();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(PUBLISHED, STATUS));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
                    if (r.topic().equals(PUBLISHED)) {
                        ExoclonePublished e = codec.decode(r.value(), ExoclonePublished.class);
                        published.putIfAbsent(e.getExocloneId(), e.getCreatedMillis());
                    } else {
                        ReplicaStatus s = codec.decode(r.value(), ReplicaStatus.class);
                        if (s.getStatus() == ReplicaState.APPLIED && s.getMessage() == null) {
                            if (!s.getRootHash().equals(s.getExpectedRootHash())) {
                                System.err.println("Root mismatch: " + s);
                            }
                            imported.putIfAbsent(s.getAppliedId(), s.getTimestampMillis());
                        } else if (s.getStatus() != ReplicaState.APPLIED
                                && s.getStatus() != ReplicaState.WAITING_FOR_PARENT) {
                            System.err.println("Unexpected status: " + s);
                        }
                    }
                }
            }
        }
    }
}

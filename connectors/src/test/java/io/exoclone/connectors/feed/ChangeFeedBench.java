package io.exoclone.connectors.feed;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import io.exoclone.testutils.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Change feed throughput on the in-process broker: changed data (MiB/s) and NodeChange records per
 * second from the moment {@code Pool.snapshot} returns (the snapshot is durable) to the moment its
 * Kafka transaction has committed and the pool recorded the cursor. Not a test: run it by hand (see
 * BENCHMARKS.md) and write the medians down.
 *
 * <p>Two workloads, each a series of snapshots of {@code MIB} MiB of changes: 4 KiB blocks at
 * random aligned offsets of a 16 GiB volume (one small record per modified leaf: the worst case for
 * records), and 1 MiB sequential writes (leaves full of 64 KiB extents, ~1 MiB records).
 *
 * <p>Arguments: {@code [rounds=10] [warmup=3] [mib=64]}.
 */
public final class ChangeFeedBench {
    private static final int BS = Pool.BLOCK_SIZE;

    private ChangeFeedBench() {}

    /** One measured snapshot. */
    record Round(
            long dataBytes, long records, long micros, long transactionMicros, long engineMicros) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int mib = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Path dir = Files.createTempDirectory("feed-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build()) {
            kafka.start();
            System.out.printf(
                    Locale.ROOT,
                    "Change feed benchmark: %d MiB per snapshot, %d warm-up + %d measured"
                            + " snapshots, broker %s, %d cores, max heap %d MiB%n",
                    mib,
                    warmup,
                    rounds,
                    kafka.bootstrapServers(),
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            run("4 KiB scattered", kafka, dir.resolve("scattered"), rounds, warmup, mib, true);
            run("1 MiB sequential", kafka, dir.resolve("sequential"), rounds, warmup, mib, false);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(
            String name,
            EmbeddedKafka kafka,
            Path poolDir,
            int rounds,
            int warmup,
            int mib,
            boolean scattered)
            throws Exception {
        ChangeFeedConfig.Builder builder =
                ChangeFeedConfig.builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .topic("bench-" + (scattered ? "scattered" : "sequential"));
        // -Dbench.producer.KEY=VALUE passes a producer setting, to compare tunings.
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("bench.producer.")) {
                builder.producerProperty(
                        key.substring("bench.producer.".length()), System.getProperty(key));
            }
        }
        ChangeFeedConfig config = builder.build();
        BlockingQueue<PublishedSnapshot> published = new LinkedBlockingQueue<>();
        FeedListener listener =
                new FeedListener() {
                    @Override
                    public void published(PublishedSnapshot s) {
                        published.add(s);
                    }
                };
        long volumeSize = 16L << 30;
        Random rnd = new Random(42);
        List<Round> measured = new ArrayList<>();
        try (Pool pool = Pool.create(poolDir);
                ChangeFeed feed = ChangeFeed.start(pool, config, listener)) {
            Volume v = pool.createVolume("v", volumeSize);
            feed.awaitCaughtUp(Duration.ofMinutes(1));
            byte[] block = new byte[BS];
            byte[] mibBuf = new byte[1 << 20];
            long seqOffset = 0;
            for (int r = 0; r < warmup + rounds; r++) {
                if (scattered) {
                    for (int i = 0; i < mib * 256; i++) {
                        rnd.nextBytes(block);
                        v.write((long) (rnd.nextDouble() * (volumeSize / BS)) * BS, block);
                    }
                } else {
                    for (int i = 0; i < mib; i++) {
                        rnd.nextBytes(mibBuf);
                        v.write(seqOffset, mibBuf);
                        seqOffset = (seqOffset + mibBuf.length) % volumeSize;
                    }
                }
                Snapshot s = pool.snapshot("v", null);
                long t0 = System.nanoTime();
                PublishedSnapshot p = published.poll(10, TimeUnit.MINUTES);
                long micros = (System.nanoTime() - t0) / 1000;
                if (p == null || !p.snapshotId().equals(s.id())) {
                    throw new IllegalStateException("Expected " + s.id() + ", got " + p);
                }
                if (r >= warmup) {
                    measured.add(
                            new Round(
                                    p.dataBytes(),
                                    p.records(),
                                    micros,
                                    p.duration().toNanos() / 1000,
                                    engineSide(pool, s)));
                }
            }
        }
        report(name, measured);
    }

    /**
     * The engine's share, for comparison: the same snapshot's changes and every byte of its data
     * read again (now warm in memory), without Kafka, encoding or records.
     */
    private static long engineSide(Pool pool, Snapshot s) {
        long t0 = System.nanoTime();
        long bytes = 0;
        for (var leaf : pool.changes(s.id()).leaves()) {
            for (var range : leaf.ranges()) {
                if (range instanceof io.exoclone.engine.ChangeRange.Data) {
                    bytes +=
                            pool.read(s.id(), range.startBlock() * BS, (int) range.blocks() * BS)
                                    .length;
                }
            }
        }
        if (bytes < 0) {
            throw new AssertionError();
        }
        return (System.nanoTime() - t0) / 1000;
    }

    private static void report(String name, List<Round> rounds) {
        List<Double> mibPerSec = new ArrayList<>();
        List<Double> recordsPerSec = new ArrayList<>();
        List<Double> millis = new ArrayList<>();
        List<Double> txMillis = new ArrayList<>();
        List<Double> engineMillis = new ArrayList<>();
        for (Round r : rounds) {
            mibPerSec.add(r.dataBytes() / (double) (1 << 20) / (r.micros() / 1e6));
            recordsPerSec.add(r.records() / (r.micros() / 1e6));
            millis.add(r.micros() / 1000.0);
            txMillis.add(r.transactionMicros() / 1000.0);
            engineMillis.add(r.engineMicros() / 1000.0);
        }
        Round first = rounds.get(0);
        System.out.printf(
                Locale.ROOT,
                "%-17s %5.1f MiB and %6d records per snapshot | median %7.1f MiB/s (min %.1f, max"
                        + " %.1f) | median %8.0f records/s | median %6.0f ms commit-to-commit,"
                        + " %6.0f ms in the transaction | engine alone (changes + reads) %5.0f"
                        + " ms%n",
                name,
                first.dataBytes() / (double) (1 << 20),
                first.records(),
                median(mibPerSec),
                Collections.min(mibPerSec),
                Collections.max(mibPerSec),
                median(recordsPerSec),
                median(millis),
                median(txMillis),
                median(engineMillis));
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}

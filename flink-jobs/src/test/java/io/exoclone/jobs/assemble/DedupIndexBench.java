package io.exoclone.jobs.assemble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * What the dedup index costs per distinct chunk: {@link DedupFunction} on Flink's operator test
 * harness with the heap or the RocksDB backend, fed {@code N} claims of distinct content. Not a
 * test: run it by hand (BENCHMARKS.md, AssembleJob, "Dedup index memory").
 *
 * <p>Arguments: {@code [distinct chunks] [heap|rocksdb] [work dir] [legacy]} ({@code legacy}: the
 * index of the version before, {@link LegacyDedupFunction}). Prints the live heap grown (after full
 * GCs), the RocksDB directory on local disk after a checkpoint (which flushes the memtables), the
 * checkpoint's size, and the time per claim. Deletes the {@code rocksdb} and {@code checkpoints}
 * directories it made in the work directory when done.
 */
public final class DedupIndexBench {
    private DedupIndexBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String backend = args.length > 1 ? args[1] : "heap";
        Path work =
                args.length > 2
                        ? Files.createDirectories(Path.of(args[2]))
                        : Files.createTempDirectory("dedup-index-bench");
        Path db = Files.createDirectories(work.resolve("rocksdb"));
        boolean legacy = args.length > 3 && args[3].equals("legacy");
        KeyedOneInputStreamOperatorTestHarness<?, Claim, Verdict> h =
                legacy
                        ? harness(
                                new LegacyDedupFunction(Chunks.BS),
                                c -> io.exoclone.engine.Hex.encode(c.contentHash),
                                Types.STRING)
                        : harness(new DedupFunction(Chunks.BS), Claim::dedupBucket, Types.INT);
        if (backend.equals("rocksdb")) {
            // Outside a TaskManager there is no managed memory to size RocksDB's memtables by;
            // without this the harness flushes tiny ones and compacts tens of thousands of files.
            org.apache.flink.configuration.Configuration conf =
                    new org.apache.flink.configuration.Configuration();
            conf.setString("state.backend.rocksdb.memory.managed", "false");
            var rocks =
                    new EmbeddedRocksDBStateBackend(false)
                            .configure(conf, DedupIndexBench.class.getClassLoader());
            rocks.setDbStoragePath(db.toString());
            h.setStateBackend(rocks);
        } else if (!backend.equals("heap")) {
            throw new IllegalArgumentException("backend must be heap or rocksdb: " + backend);
        }
        // The default checkpoint storage keeps a snapshot in memory up to 5 MB only.
        h.setCheckpointStorage(
                new org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage(
                        work.resolve("checkpoints").toUri()));
        h.open();
        // A few snapshots, as in a real feed: the snapshot id strings are shared by their claims.
        String[] snapshots = new String[16];
        for (int i = 0; i < snapshots.length; i++) {
            snapshots[i] = new UUID(0x4000L + i, 0x8000_0000_0000_0000L + i).toString();
        }
        Random random = new Random(1);
        long before = liveHeap();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Claim c = new Claim();
            c.contentHash = new byte[32];
            random.nextBytes(c.contentHash);
            c.blocks = 16;
            c.snapshotId = snapshots[i % snapshots.length];
            c.snapshotOrder = i % snapshots.length;
            c.startBlock = 16L * (i / snapshots.length);
            c.ordinal = i / snapshots.length;
            h.processElement(c, 0);
            if ((i & 0xffff) == 0xffff) {
                h.getOutput().clear();
            }
        }
        h.getOutput().clear();
        long insertNanos = System.nanoTime() - start;
        long after = liveHeap();
        // The same claims again: every one is now a lookup that finds its entry.
        random = new Random(1);
        start = System.nanoTime();
        long dedup = 0;
        for (int i = 0; i < n; i++) {
            Claim c = new Claim();
            c.contentHash = new byte[32];
            random.nextBytes(c.contentHash);
            c.blocks = 16;
            c.snapshotId = snapshots[snapshots.length - 1];
            c.snapshotOrder = snapshots.length + 1L;
            c.startBlock = 16L * i;
            c.ordinal = i;
            h.processElement(c, 0);
            if ((i & 0xffff) == 0xffff) {
                dedup += h.extractOutputValues().stream().filter(v -> v.dedup).count();
                h.getOutput().clear();
            }
        }
        dedup += h.extractOutputValues().stream().filter(v -> v.dedup).count();
        h.getOutput().clear();
        long lookupNanos = System.nanoTime() - start;
        OperatorSubtaskState state = h.snapshot(1, 1);
        long checkpoint = state.getStateSize();
        long onDisk = backend.equals("rocksdb") ? du(db) : 0;
        System.out.printf(
                "index=%s backend=%s distinct=%d heap grown=%.1f MB (%.1f B/chunk) rocksdb dir=%.1f MB"
                        + " (%.1f B/chunk) checkpoint=%.1f MB (%.1f B/chunk) insert=%.2f us/claim"
                        + " lookup=%.2f us/claim dedup verdicts=%d%n",
                legacy ? "legacy" : "buckets",
                backend,
                n,
                (after - before) / 1e6,
                (after - before) / (double) n,
                onDisk / 1e6,
                onDisk / (double) n,
                checkpoint / 1e6,
                checkpoint / (double) n,
                insertNanos / 1e3 / n,
                lookupNanos / 1e3 / n,
                dedup);
        h.close();
        delete(db); // what this bench made, not the work directory it was given
        delete(work.resolve("checkpoints"));
        if (dedup != n) {
            throw new IllegalStateException("expected " + n + " dedup verdicts, got " + dedup);
        }
    }

    private static <K> KeyedOneInputStreamOperatorTestHarness<K, Claim, Verdict> harness(
            org.apache.flink.streaming.api.functions.KeyedProcessFunction<K, Claim, Verdict> f,
            org.apache.flink.api.java.functions.KeySelector<Claim, K> key,
            org.apache.flink.api.common.typeinfo.TypeInformation<K> type)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(f), key, type);
    }

    private static long liveHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long du(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(
                            p -> {
                                try {
                                    return Files.size(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            })
                    .sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

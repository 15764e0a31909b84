package io.exoclone.bench;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import io.exoclone.format.Compression;
import io.exoclone.format.Exporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Export and import benchmarks, side by side with rsync and casync on the same data in the same run
 * (when they are installed). Prints a Markdown table per experiment.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.exoclone.bench.ExportBench [DIR] [sizes...]
 * </pre>
 */
public final class ExportBench {
    static final int BS = Pool.BLOCK_SIZE;
    static final int RUNS = 5;
    private final Path root;

    private ExportBench(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "/tmp/exoclone-exportbench");
        List<String> sizes =
                args.length > 1
                        ? Arrays.asList(args).subList(1, args.length)
                        : List.of("256M", "1G", "4G");
        ExportBench b = new ExportBench(root);
        b.exportTime(sizes);
        b.scatteredBytes();
        b.containerImage();
        // The import of a 1 GiB exo-clone is measured by ImportBench.
    }

    // ------------------------------------------------------------------ helpers

    static long parse(String s) {
        long unit = s.endsWith("G") ? 1L << 30 : 1L << 20;
        return Long.parseLong(s.substring(0, s.length() - 1)) * unit;
    }

    static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p :
                        (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    static void fill(Volume v, long size, Random rnd) {
        byte[] mib = new byte[1 << 20];
        for (long off = 0; off < size; off += mib.length) {
            rnd.nextBytes(mib);
            v.write(off, mib);
        }
    }

    static void dumpImage(Pool pool, Snapshot s, Path to) throws IOException {
        try (OutputStream out = Files.newOutputStream(to)) {
            for (long off = 0; off < s.size(); off += 1 << 20) {
                out.write(pool.read(s.id(), off, (int) Math.min(1 << 20, s.size() - off)));
            }
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static boolean have(String tool) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs a command, returns seconds. */
    static double run(Path cwd, String... cmd) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p =
                new ProcessBuilder(cmd)
                        .directory(cwd.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed with " + p.exitValue());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static long dirBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    // ------------------------------------------------------------------ experiments

    /** Export time of the same 16 MiB change on volumes of growing size, vs rsync and casync. */
    void exportTime(List<String> sizes) throws Exception {
        System.out.println(
                "\n### Export time, 16 MiB contiguous change (median of " + RUNS + ")\n");
        System.out.println(
                "| volume | exoclone export | nodes visited | file bytes | rsync --only-write-batch | casync make |");
        System.out.println("|---|---|---|---|---|---|");
        for (String sz : sizes) {
            long size = parse(sz);
            Path dir = root.resolve("export-" + sz);
            clean(dir);
            Random rnd = new Random(1);
            try (Pool pool = Pool.create(dir.resolve("pool"))) {
                Volume v = pool.createVolume("v", size);
                fill(v, size, rnd);
                Snapshot base = pool.snapshot("v", "base");
                byte[] change = new byte[16 << 20];
                rnd.nextBytes(change);
                v.write(size / 3 / BS * BS, change);
                Snapshot next = pool.snapshot("v", "next");
                List<Double> times = new ArrayList<>();
                Exporter.Result r = null;
                for (int i = 0; i < RUNS; i++) {
                    Path f = dir.resolve("x" + i + ".exo");
                    long t0 = System.nanoTime();
                    r =
                            Exporter.export(
                                    pool, next.id(), f, Compression.NONE, Optional.empty(), null);
                    times.add((System.nanoTime() - t0) / 1e9);
                    Files.delete(f);
                }
                String rs = "n/a";
                String ca = "n/a";
                if (have("rsync") || have("casync")) {
                    dumpImage(pool, base, dir.resolve("old.img"));
                    dumpImage(pool, next, dir.resolve("new.img"));
                }
                if (have("rsync")) {
                    List<Double> rt = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        Files.copy(
                                dir.resolve("old.img"),
                                dir.resolve("dest.img"),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        rt.add(
                                run(
                                        dir,
                                        "rsync",
                                        "--no-whole-file",
                                        "--ignore-times",
                                        "--only-write-batch=batch",
                                        "new.img",
                                        "dest.img"));
                    }
                    rs = String.format("%.2f s", median(rt));
                }
                if (have("casync")) {
                    List<Double> ct = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        clean(dir.resolve("store"));
                        run(dir, "casync", "make", "--store=store", "old.caibx", "old.img");
                        ct.add(run(dir, "casync", "make", "--store=store", "new.caibx", "new.img"));
                    }
                    ca = String.format("%.2f s", median(ct));
                }
                System.out.printf(
                        "| %s | %.3f s | %d | %d | %s | %s |%n",
                        sz, median(times), r.nodesVisited(), r.fileBytes(), rs, ca);
            }
            clean(dir);
        }
    }

    /** Bytes shipped for a scattered 1% change of 4 KiB blocks on a 2 GiB volume. */
    void scatteredBytes() throws Exception {
        long size = 2L << 30;
        Path dir = root.resolve("scattered");
        clean(dir);
        Random rnd = new Random(2);
        try (Pool pool = Pool.create(dir.resolve("pool"))) {
            Volume v = pool.createVolume("v", size);
            fill(v, size, rnd);
            Snapshot base = pool.snapshot("v", "base");
            long blocks = size / BS;
            int changes = (int) (blocks / 100);
            byte[] b = new byte[BS];
            for (int i = 0; i < changes; i++) {
                rnd.nextBytes(b);
                v.write((long) (rnd.nextDouble() * blocks) * BS, b);
            }
            Snapshot next = pool.snapshot("v", "next");
            long changed = pool.diff(base.id(), next.id()).changedBytes();
            Exporter.Result raw =
                    Exporter.export(
                            pool,
                            next.id(),
                            dir.resolve("raw.exo"),
                            Compression.NONE,
                            Optional.empty(),
                            null);
            Exporter.Result lz4 =
                    Exporter.export(
                            pool,
                            next.id(),
                            dir.resolve("lz4.exo"),
                            Compression.LZ4,
                            Optional.empty(),
                            null);
            System.out.println(
                    "\n### Bytes for a scattered 1% change of 4 KiB blocks, 2 GiB volume\n");
            System.out.println("| what | bytes | x changed bytes |");
            System.out.println("|---|---|---|");
            System.out.printf("| changed bytes (floor) | %d | 1.00 |%n", changed);
            System.out.printf(
                    "| exo-clone, raw | %d | %.3f |%n",
                    raw.fileBytes(), (double) raw.fileBytes() / changed);
            System.out.printf(
                    "| exo-clone, LZ4 (random data: incompressible) | %d | %.3f |%n",
                    lz4.fileBytes(), (double) lz4.fileBytes() / changed);
            if (have("rsync")) {
                dumpImage(pool, base, dir.resolve("old.img"));
                dumpImage(pool, next, dir.resolve("new.img"));
                run(
                        dir,
                        "rsync",
                        "--no-whole-file",
                        "--ignore-times",
                        "--only-write-batch=batch",
                        "new.img",
                        "old.img");
                long rb = Files.size(dir.resolve("batch"));
                System.out.printf(
                        "| rsync --only-write-batch | %d | %.2f |%n", rb, (double) rb / changed);
            }
            if (have("casync")) {
                run(dir, "casync", "make", "--store=store", "old.caibx", "old.img");
                long before = dirBytes(dir.resolve("store"));
                run(dir, "casync", "make", "--store=store", "new.caibx", "new.img");
                long cb =
                        dirBytes(dir.resolve("store"))
                                - before
                                + Files.size(dir.resolve("new.caibx"));
                System.out.printf(
                        "| casync (new chunks + index) | %d | %.2f |%n", cb, (double) cb / changed);
            }
        }
        clean(dir);
    }

    /** A 64 MiB file with 1 MiB changed, vs a Docker-style layer (tar + gzip of the file). */
    void containerImage() throws Exception {
        Path dir = root.resolve("container");
        clean(dir);
        Random rnd = new Random(3);
        try (Pool pool = Pool.create(dir.resolve("pool"))) {
            Volume v = pool.createVolume("img", 256L << 20);
            byte[] file = new byte[64 << 20];
            rnd.nextBytes(file);
            v.write(32L << 20, file);
            Snapshot base = pool.snapshot("img", "v1");
            byte[] mib = new byte[1 << 20];
            rnd.nextBytes(mib);
            v.write((32L << 20) + (40L << 20), mib);
            System.arraycopy(mib, 0, file, 40 << 20, mib.length);
            Snapshot next = pool.snapshot("img", "v2");
            long changed = pool.diff(base.id(), next.id()).changedBytes();
            Exporter.Result r =
                    Exporter.export(
                            pool,
                            next.id(),
                            dir.resolve("layer.exo"),
                            Compression.NONE,
                            Optional.empty(),
                            null);
            Files.write(dir.resolve("model.bin"), file);
            run(dir, "tar", "czf", "layer.tar.gz", "model.bin");
            long layer = Files.size(dir.resolve("layer.tar.gz"));
            System.out.println("\n### Container image: a 64 MiB file with 1 MiB changed\n");
            System.out.println("| what | bytes | x changed bytes |");
            System.out.println("|---|---|---|");
            System.out.printf("| changed bytes (floor) | %d | 1.00 |%n", changed);
            System.out.printf(
                    "| exo-clone, raw | %d | %.3f |%n",
                    r.fileBytes(), (double) r.fileBytes() / changed);
            System.out.printf(
                    "| Docker-style layer (tar czf of the changed file) | %d | %.1f |%n",
                    layer, (double) layer / changed);
        }
        clean(dir);
    }
}

package io.exoclone.bench;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import io.exoclone.format.Compression;
import io.exoclone.format.Exporter;
import io.exoclone.format.Importer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Import of a 1 GiB uncompressed first exo-clone into an empty pool on the same file system, in
 * each {@link Importer.Mode} (the default: a reflink where the file system clones, else one copy;
 * {@code --move}: a rename; {@code --copy}), then a whole-image read with and without extent
 * verification. Median of 3; prints Markdown tables.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.exoclone.bench.ImportBench [DIR]
 * </pre>
 */
public final class ImportBench {
    private static final int RUNS = 3;
    private static final int CHUNK = 1 << 20;

    private ImportBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/exoclone-importbench");
        ExportBench.clean(dir);
        Path file = dir.resolve("first.exo");
        try (Pool a = Pool.create(dir.resolve("a"))) {
            Volume v = a.createVolume("v", 1L << 30);
            ExportBench.fill(v, 1L << 30, new Random(4));
            Snapshot s = a.snapshot("v", null);
            Exporter.export(a, s.id(), file, Compression.NONE, Optional.empty(), null);
        }
        ExportBench.clean(dir.resolve("a"));
        Map<Importer.Mode, List<Double>> times = new EnumMap<>(Importer.Mode.class);
        Map<Importer.Mode, String> how = new EnumMap<>(Importer.Mode.class);
        List<Double> plain = new ArrayList<>();
        List<Double> verified = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            for (Importer.Mode mode : Importer.Mode.values()) {
                Path p = dir.resolve("b-" + mode + i);
                Path input = file;
                if (mode == Importer.Mode.MOVE) {
                    input = dir.resolve("moved-" + i + ".exo");
                    Files.copy(file, input);
                }
                try (Pool b = Pool.create(p)) {
                    long t0 = System.nanoTime();
                    Importer.Result r = Importer.importFile(b, input, Optional.empty(), mode);
                    times.computeIfAbsent(mode, k -> new ArrayList<>())
                            .add((System.nanoTime() - t0) / 1e9);
                    how.put(mode, r.transfer().map(Enum::name).orElse("-"));
                    if (mode == Importer.Mode.ADOPT) {
                        UUID id = r.snapshot().id();
                        plain.add(read(b, id, false));
                        verified.add(read(b, id, true));
                    }
                }
                ExportBench.clean(p);
            }
        }
        System.out.printf(
                "%n### Import of a 1 GiB uncompressed exo-clone (median of %d; %s)%n%n",
                RUNS, Files.getFileStore(dir).type());
        System.out.println("| import | payload came in by | seconds | MB/s |");
        System.out.println("|---|---|---|---|");
        for (var e : times.entrySet()) {
            double m = ExportBench.median(e.getValue());
            System.out.printf(
                    "| %s | %s | %.2f | %.0f |%n", e.getKey(), how.get(e.getKey()), m, 1024 / m);
        }
        System.out.printf("%n### Whole-image read of the imported 1 GiB (median of %d)%n%n", RUNS);
        System.out.println("| read | seconds | MB/s |");
        System.out.println("|---|---|---|");
        double mp = ExportBench.median(plain);
        double mv = ExportBench.median(verified);
        System.out.printf("| --no-verify | %.2f | %.0f |%n", mp, 1024 / mp);
        System.out.printf("| --verify (default) | %.2f | %.0f |%n", mv, 1024 / mv);
        ExportBench.clean(dir);
    }

    private static double read(Pool pool, UUID id, boolean verify) {
        long t0 = System.nanoTime();
        long sum = 0;
        for (long pos = 0; pos < (1L << 30); pos += CHUNK) {
            byte[] b = verify ? pool.readVerified(id, pos, CHUNK) : pool.read(id, pos, CHUNK);
            sum += b[b.length - 1];
        }
        if (sum == Long.MIN_VALUE) {
            System.out.println(sum);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}

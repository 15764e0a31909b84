package io.exoclone.jobs.pipeline;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.StopSignal;
import io.exoclone.engine.Hex;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code exoclone demo [--snapshots N] [--work DIR]}: the whole system on this machine. */
@Command(
        name = "demo",
        header = "Show the whole system: two pools, a workload, replication, verification.",
        description = {
            "Creates two pools, DIR/site-a and DIR/site-b, and a 64 MiB volume vm1 in site-a;"
                    + " writes N snapshots of a mixed workload (sequential runs, scattered small"
                    + " writes, copied data for dedup to find, trims) and replicates them to"
                    + " site-b with the same pipeline as 'exoclone replicate', everything in this"
                    + " process on 127.0.0.1 (Kafka broker, Flink with its dashboard, exo-clone"
                    + " files under DIR/pipeline/exoclones).",
            "",
            "Ends by verifying every snapshot: the replica's root hash and bytes must equal the"
                    + " source's. Exits 5 on any mismatch. Running it again on the same DIR"
                    + " continues: N more snapshots, replicated from where the last run stopped.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone demo",
            "  exoclone demo --snapshots 3 --work /tmp/exoclone-demo",
            "  exoclone --pool exoclone-demo/site-b log     # afterwards: the replica's lineage",
        })
final class DemoCommand implements Callable<Integer> {
    static final String MARKER = ".exoclone-demo";
    private static final Duration PACE = Duration.ofMillis(1500);

    @Spec CommandSpec spec;

    @Option(
            names = "--snapshots",
            paramLabel = "N",
            defaultValue = "8",
            description = "Snapshots to write and replicate (default: ${DEFAULT-VALUE}).")
    int snapshots;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            defaultValue = "exoclone-demo",
            description =
                    "Directory for the pools and the pipeline's state (default: ./${DEFAULT-VALUE});"
                            + " an earlier demo's directory is continued.")
    Path work;

    @Option(
            names = "--flink-conf",
            paramLabel = "KEY=VALUE",
            description = "A Flink setting for the jobs; repeatable.")
    Map<String, String> flinkConf = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        PrintWriter out = cli.out();
        PrintWriter err = cli.err();
        if (snapshots < 1 || snapshots > 1000) {
            throw cli.usageError("--snapshots must be between 1 and 1000, got " + snapshots);
        }
        long started = System.nanoTime();
        Path dir = work.toAbsolutePath().normalize();
        boolean continuing = prepare(cli, dir);
        Path siteA = dir.resolve("site-a");
        Path siteB = dir.resolve("site-b");
        out.println(
                (continuing ? "Continuing the demo in " : "Demo in ")
                        + dir
                        + (continuing ? " (delete it to start over)" : ""));
        out.flush();
        PipelineSettings settings =
                PipelineSettings.builder(dir.resolve("pipeline"), siteB)
                        .site("site-b")
                        .flinkSettings(flinkConf)
                        .build();
        try (Pool a =
                        Files.exists(siteA.resolve("superblock"))
                                ? Pool.open(siteA)
                                : Pool.create(siteA);
                StopSignal stop = StopSignal.install()) {
            DemoWorkload workload = new DemoWorkload(a);
            workload.volume();
            int first =
                    (int)
                            a.snapshots().stream()
                                    .filter(s -> s.volume().equals(DemoWorkload.VOLUME))
                                    .count();
            Pipeline.StopReport report;
            long written = 0;
            try (Pipeline pipeline =
                    Pipeline.start(
                            a, settings, ReplicateCommand.line(out), ReplicateCommand.line(err))) {
                stop.onSecond(pipeline::hurry);
                for (int i = 0; i < snapshots && !stop.stopped(); i++) {
                    DemoWorkload.Step step = workload.step(first + i);
                    written += step.written();
                    err.println(
                            String.format(
                                    "Snapshot %d/%d %s: wrote %s (sequential %s, scattered %s, copied %s)%s",
                                    i + 1,
                                    snapshots,
                                    step.snapshot().id(),
                                    Bytes.human(step.written()),
                                    Bytes.human(step.sequential()),
                                    Bytes.human(step.scattered()),
                                    Bytes.human(step.copied()),
                                    step.trimmed() > 0
                                            ? ", trimmed " + Bytes.human(step.trimmed())
                                            : ""));
                    err.flush();
                    stop.await(PACE);
                }
                err.println("All snapshots taken; waiting for the replica ...");
                err.flush();
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (!pipeline.caughtUp()
                        && !stop.stopped()
                        && System.nanoTime() < deadline
                        && pipeline.failure().isEmpty()) {
                    Thread.sleep(200);
                }
                if (pipeline.failure().isPresent()) {
                    err.println("exoclone: " + pipeline.failure().get());
                }
                report = pipeline.stop();
                err.println(
                        String.format(
                                "Replicated %d snapshot(s): shipped %s for %s changed (%s written by the workload)",
                                report.replicated(),
                                Bytes.human(pipeline.shippedBytes()),
                                Bytes.human(pipeline.changedBytes()),
                                Bytes.human(written)));
            }
            int mismatches = verify(a, siteB, out);
            long secs = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            if (mismatches > 0) {
                out.println(
                        "FAILED: "
                                + mismatches
                                + " snapshot(s) differ between site-a and site-b ("
                                + secs
                                + " s)");
                return ExitCodes.CORRUPT;
            }
            out.println(
                    "Verified: every snapshot of site-a is in site-b with the same root hash and bytes ("
                            + secs
                            + " s).");
            out.println("Look around: ./exoclone --pool " + siteB + " log");
            return ExitCodes.OK;
        }
    }

    /** Makes DIR a demo directory; true if an earlier demo's is continued. */
    private static boolean prepare(CliContext cli, Path dir) throws IOException {
        if (Files.exists(dir.resolve(MARKER))) {
            return true;
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw cli.usageError(dir + " exists and is not a directory; choose another --work");
            }
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw cli.usageError(
                            dir
                                    + " exists, is not empty and is not a demo directory; choose another --work");
                }
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "exoclone demo\n");
        return false;
    }

    /**
     * Compares every snapshot of the source with the replica: root hash, size, and the bytes
     * (SHA-256 of the whole image, read independently from both pools). Prints one line each.
     */
    static int verify(Pool a, Path siteB, PrintWriter out) throws Exception {
        int bad = 0;
        try (Pool b = Pool.open(siteB)) {
            List<Snapshot> all =
                    a.snapshots().stream()
                            .sorted(Comparator.comparingLong(Snapshot::generation))
                            .toList();
            out.println("Verification (site-a -> site-b):");
            for (Snapshot s : all) {
                String ref = s.volume() + "@" + s.tag().orElse(s.id().toString().substring(0, 8));
                var r = b.findSnapshot(s.id());
                if (r.isEmpty()) {
                    out.println("  MISSING  " + s.id() + " " + ref);
                    bad++;
                    continue;
                }
                String want = digest(a, s);
                String got = digest(b, r.get());
                boolean rootOk = Arrays.equals(s.rootHash(), r.get().rootHash());
                boolean ok = rootOk && s.size() == r.get().size() && want.equals(got);
                out.println(
                        String.format(
                                "  %-8s %s %-12s root %s %s  bytes sha256 %s %s",
                                ok ? "OK" : "MISMATCH",
                                s.id(),
                                ref,
                                s.rootHashHex(),
                                rootOk ? "=" : "!= " + r.get().rootHashHex(),
                                want.substring(0, 16),
                                want.equals(got) ? "=" : "!= " + got.substring(0, 16)));
                if (!ok) {
                    bad++;
                }
            }
            out.flush();
        }
        return bad;
    }

    /** SHA-256 of a snapshot's whole image, read in 1 MiB pieces. */
    static String digest(Pool pool, Snapshot s) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        int chunk = 1 << 20;
        for (long off = 0; off < s.size(); off += chunk) {
            int len = (int) Math.min(chunk, s.size() - off);
            md.update(pool.read(s.id(), off, len));
        }
        return Hex.encode(md.digest());
    }
}

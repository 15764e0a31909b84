package io.exoclone.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * fio over NBD against exoclone's NBD server, qemu-nbd on a raw file, qemu-nbd on a qcow2 file and
 * nbdkit's file plugin: same run, same disk, every workload run on each server in turn. Then the
 * write latency of exoclone while snapshots are taken through the pool. Prints Markdown tables.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.exoclone.bench.NbdBench [DIR] [SECONDS] [TARGETS]
 * </pre>
 *
 * TARGETS is a comma-separated subset of {@code exoclone,qemu-raw,qemu-qcow2,nbdkit} (default:
 * all); the snapshot latency part runs whenever exoclone is among them. TARGETS {@code snapshots}
 * runs only that part (exoclone, filled once), for SECONDS of writes; {@code snapshots-fragmented}
 * first splits the filled volume into one-block extents with 30 s of random 4 KiB writes and a
 * flush, as the full run's workloads do before its latency part.
 *
 * <p>(or {@code benchmarks/nbd-bench.sh}, which builds first).
 */
public final class NbdBench {
    static final long SIZE = 1L << 30;

    /** One fio workload. */
    record Workload(String label, String rw, String bs, int fsync) {}

    static final List<Workload> WORKLOADS =
            List.of(
                    new Workload("4 KiB random read", "randread", "4k", 0),
                    new Workload("4 KiB random write", "randwrite", "4k", 0),
                    new Workload("4 KiB random write, flush every 64", "randwrite", "4k", 64),
                    new Workload("1 MiB sequential write", "write", "1m", 0),
                    new Workload("1 MiB sequential write, flush every 64", "write", "1m", 64));

    private NbdBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/exoclone-nbdbench");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        ExportBench.clean(dir);
        Files.createDirectories(dir);
        System.out.println("machine: " + run("nproc").strip() + " vCPU, " + model());
        System.out.println("load before: " + run("uptime").strip());
        System.out.println(
                "data directory: "
                        + dir
                        + " ("
                        + run("df", "-h", dir.toString())
                                .lines()
                                .skip(1)
                                .findFirst()
                                .orElse("")
                                .strip()
                        + ")");
        System.out.println(
                "fio: "
                        + run("fio", "--version").strip()
                        + ", 1 GiB export, iodepth 16, "
                        + seconds
                        + " s per run");
        System.out.println(
                "servers: "
                        + run("qemu-nbd", "--version").lines().findFirst().orElse("").strip()
                        + ", "
                        + run("nbdkit", "--version").strip());
        List<String> which =
                List.of(
                        (args.length > 2 ? args[2] : "exoclone,qemu-raw,qemu-qcow2,nbdkit")
                                .split(","));
        NbdTarget.Exoclone exo =
                which.contains("exoclone")
                        ? new NbdTarget.Exoclone(dir.resolve("pool"), SIZE)
                        : null;
        List<NbdTarget> targets = new ArrayList<>();
        if (exo != null) {
            targets.add(exo);
        }
        if (which.contains("qemu-raw")) {
            targets.add(NbdTarget.External.qemuNbd(dir.resolve("raw.img"), "raw", SIZE));
        }
        if (which.contains("qemu-qcow2")) {
            targets.add(NbdTarget.External.qemuNbd(dir.resolve("disk.qcow2"), "qcow2", SIZE));
        }
        if (which.contains("nbdkit")) {
            targets.add(NbdTarget.External.nbdkitFile(dir.resolve("nbdkit.img"), SIZE));
        }
        if (which.equals(List.of("snapshots")) || which.equals(List.of("snapshots-fragmented"))) {
            try (NbdTarget.Exoclone only = new NbdTarget.Exoclone(dir.resolve("pool"), SIZE)) {
                Fio.run(only.uri(), "write", "1m", 16, 0, 0, "1g", List.of());
                if (which.get(0).equals("snapshots-fragmented")) {
                    // As in the full run, where the latency part comes after the other workloads:
                    // random 4 KiB writes split the volume into one-block extents first, and a
                    // flush at the end commits them (the full run's last workload flushes too).
                    Fio.run(
                            only.uri(),
                            "randwrite",
                            "4k",
                            16,
                            0,
                            30,
                            "1g",
                            List.of("--end_fsync=1"));
                }
                SnapshotLatency.measure(only, dir, seconds);
            }
            System.out.println("load after: " + run("uptime").strip());
            return;
        }
        try {
            for (NbdTarget t : targets) { // fill every export once, so reads read data
                Fio.run(t.uri(), "write", "1m", 16, 0, 0, "1g", List.of());
            }
            Map<Workload, Map<String, Fio.Result>> results = new LinkedHashMap<>();
            for (Workload w : WORKLOADS) {
                Map<String, Fio.Result> row = new LinkedHashMap<>();
                for (NbdTarget t : targets) {
                    row.put(
                            t.name,
                            Fio.run(
                                    t.uri(), w.rw(), w.bs(), 16, w.fsync(), seconds, "1g",
                                    List.of()));
                }
                results.put(w, row);
            }
            printTable(targets, results);
            if (exo != null) {
                SnapshotLatency.measure(exo, dir, 20);
            }
        } finally {
            for (NbdTarget t : targets) {
                t.close();
            }
        }
        System.out.println("load after: " + run("uptime").strip());
    }

    private static void printTable(
            List<NbdTarget> targets, Map<Workload, Map<String, Fio.Result>> results) {
        StringBuilder h = new StringBuilder("| workload |");
        StringBuilder sep = new StringBuilder("|---|");
        for (NbdTarget t : targets) {
            h.append(' ').append(t.name).append(" |");
            sep.append("---|");
        }
        h.append(" exoclone / qcow2 | exoclone / raw |");
        sep.append("---|---|");
        System.out.println();
        System.out.println("IOPS (MiB/s), p99 completion latency in ms:");
        System.out.println();
        System.out.println(h);
        System.out.println(sep);
        for (var e : results.entrySet()) {
            StringBuilder row = new StringBuilder("| " + e.getKey().label() + " |");
            for (NbdTarget t : targets) {
                Fio.Result r = e.getValue().get(t.name);
                row.append(
                        String.format(
                                " %.0f (%.1f), p99 %.2f |", r.iops(), r.mibPerSec(), r.p99Ms()));
            }
            row.append(" ").append(ratio(e.getValue(), "qemu-nbd qcow2")).append(" |");
            row.append(" ").append(ratio(e.getValue(), "qemu-nbd raw")).append(" |");
            System.out.println(row);
        }
    }

    private static String ratio(Map<String, Fio.Result> row, String other) {
        Fio.Result exo = row.get("exoclone serve");
        Fio.Result o = row.get(other);
        return exo == null || o == null ? "-" : String.format("%.2f", exo.iops() / o.iops());
    }

    static String model() throws IOException, InterruptedException {
        return run("lscpu")
                .lines()
                .filter(l -> l.startsWith("Model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst()
                .orElse("?");
    }

    /** Runs a command and returns its stdout; fails on a non-zero exit. */
    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}

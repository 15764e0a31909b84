package io.exoclone.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Write latency of fio 4 KiB random writes (5000 IOPS, iodepth 16) into exoclone's NBD server while
 * this process takes a snapshot of the volume through the pool once a second: the p99 of the writes
 * in flight during a snapshot (all of them, and those of the 4th and later snapshots), against the
 * p99 of all writes of the run, and per snapshot its duration and slowest write.
 */
final class SnapshotLatency {
    /**
     * Snapshots that may still carry what the workloads before wrote without one (after the full
     * run's workloads the first snapshot commits the index of a quarter million new extents): their
     * writes are also reported apart from the rest.
     */
    private static final int WARM_UP = 3;

    private SnapshotLatency() {}

    static void measure(NbdTarget.Exoclone exo, Path dir, int seconds) throws Exception {
        Path log = dir.resolve("snaplat");
        List<long[]> snaps = new ArrayList<>(); // {start ms, end ms, duration us}
        CompletableFuture<Fio.Result> fio =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return Fio.run(
                                        exo.uri(),
                                        "randwrite",
                                        "4k",
                                        16,
                                        0,
                                        seconds,
                                        "1g",
                                        List.of(
                                                "--rate_iops=5000",
                                                "--write_lat_log=" + log,
                                                "--log_offset=1",
                                                "--log_unix_epoch=1"));
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
        Thread.sleep(2000);
        while (!fio.isDone() && snaps.size() < seconds - 3) {
            long t0 = System.nanoTime();
            long start = System.currentTimeMillis();
            exo.pool.snapshot("vm1", null);
            long end = System.currentTimeMillis();
            snaps.add(new long[] {start, end, (System.nanoTime() - t0) / 1000});
            Thread.sleep(1000);
        }
        Fio.Result all = fio.get();
        List<Long> during = new ArrayList<>();
        List<Long> steady = new ArrayList<>(); // during the 4th snapshot and later ones
        List<Long> every = new ArrayList<>();
        long[] worst = new long[snaps.size()]; // the slowest write in flight during each snapshot
        for (String line : Files.readAllLines(Path.of(log + "_lat.1.log"))) {
            String[] f = line.split(",\\s*");
            if (!f[2].equals("1")) {
                continue;
            }
            long done = Long.parseLong(f[0]);
            long latNs = Long.parseLong(f[1]);
            long issued = done - latNs / 1_000_000 - 1;
            every.add(latNs);
            for (int i = 0; i < snaps.size(); i++) {
                long[] s = snaps.get(i);
                if (issued <= s[1] && done >= s[0]) {
                    during.add(latNs);
                    if (i >= WARM_UP) {
                        steady.add(latNs);
                    }
                    worst[i] = Math.max(worst[i], latNs);
                    break;
                }
            }
        }
        List<Long> durations = new ArrayList<>();
        snaps.forEach(s -> durations.add(s[2]));
        System.out.println();
        System.out.printf(
                "Snapshots while fio writes 4 KiB random blocks at 5000 IOPS (iodepth 16, %d s):"
                        + " %d snapshots, each %.2f ms median, %.2f ms p99, %.2f ms max%n",
                seconds,
                snaps.size(),
                pct(durations, 50) / 1e3,
                pct(durations, 99) / 1e3,
                pct(durations, 100) / 1e3);
        System.out.printf(
                "| writes | count | p50 ms | p99 ms | max ms |%n|---|---|---|---|---|%n"
                        + "| in flight during a snapshot | %d | %.2f | %.2f | %.2f |%n"
                        + "| in flight during the 4th and later snapshots | %d | %.2f | %.2f | %.2f |%n"
                        + "| all writes of the run | %d | %.2f | %.2f | %.2f |%n",
                during.size(),
                pct(during, 50) / 1e6,
                pct(during, 99) / 1e6,
                pct(during, 100) / 1e6,
                steady.size(),
                pct(steady, 50) / 1e6,
                pct(steady, 99) / 1e6,
                pct(steady, 100) / 1e6,
                every.size(),
                pct(every, 50) / 1e6,
                pct(every, 99) / 1e6,
                pct(every, 100) / 1e6);
        StringBuilder each =
                new StringBuilder("each snapshot, ms taken / slowest write in flight:");
        for (int i = 0; i < snaps.size(); i++) {
            each.append(String.format(" %.0f/%.1f", snaps.get(i)[2] / 1e3, worst[i] / 1e6));
        }
        System.out.println(each);
        System.out.printf(
                "(fio's own report for the run: %.0f IOPS, p99 %.2f ms)%n",
                all.iops(), all.p99Ms());
    }

    static double pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> s = new ArrayList<>(values);
        s.sort(null);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }
}

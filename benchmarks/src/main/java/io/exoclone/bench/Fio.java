package io.exoclone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs fio with {@code --ioengine=nbd} and reads its JSON report. */
final class Fio {
    private Fio() {}

    /** One fio job's result: IOPS and MiB/s of its direction, completion latency percentiles. */
    record Result(double iops, double mibPerSec, double p50Ms, double p99Ms, double syncP99Ms) {}

    /**
     * Runs one job against {@code uri}; {@code rw} as fio's, {@code fsync} 0 for none.
     *
     * @param extra further fio options
     */
    static Result run(
            String uri,
            String rw,
            String bs,
            int iodepth,
            int fsync,
            int seconds,
            String size,
            List<String> extra)
            throws IOException, InterruptedException {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "fio",
                                "--name=bench",
                                "--ioengine=nbd",
                                "--uri=" + uri,
                                "--rw=" + rw,
                                "--bs=" + bs,
                                "--iodepth=" + iodepth,
                                "--size=" + size,
                                "--output-format=json",
                                "--randrepeat=0"));
        if (seconds > 0) {
            cmd.add("--runtime=" + seconds);
            cmd.add("--time_based");
        }
        if (fsync > 0) {
            cmd.add("--fsync=" + fsync);
        }
        cmd.addAll(extra);
        Path out = Files.createTempFile("fio", ".json");
        Path err = Files.createTempFile("fio", ".err");
        try {
            Process p =
                    new ProcessBuilder(cmd)
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile())
                            .start();
            if (!p.waitFor(seconds + 600L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("fio did not finish: " + cmd);
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IOException(
                        "fio failed (" + p.exitValue() + "): " + Files.readString(err) + text);
            }
            JsonNode job =
                    new ObjectMapper()
                            .readTree(text.substring(text.indexOf('{')))
                            .get("jobs")
                            .get(0);
            JsonNode d = job.get(rw.contains("read") ? "read" : "write");
            JsonNode pct = d.get("clat_ns").get("percentile");
            JsonNode sync = job.get("sync").get("lat_ns").get("percentile");
            return new Result(
                    d.get("iops").asDouble(),
                    d.get("bw_bytes").asDouble() / (1 << 20),
                    pct.get("50.000000").asDouble() / 1e6,
                    pct.get("99.000000").asDouble() / 1e6,
                    sync == null ? 0 : sync.get("99.000000").asDouble() / 1e6);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

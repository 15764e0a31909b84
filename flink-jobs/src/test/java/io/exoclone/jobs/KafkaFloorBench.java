package io.exoclone.jobs;

import io.exoclone.testutils.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor for the Kafka legs of {@link EndToEndBench}: the same bytes in records of the feed's
 * size pushed through the same in-process broker ({@link EmbeddedKafka}, topic with 2 partitions)
 * by Kafka's own {@code ProducerPerformance} (transactional, acks=all, the feed's batch and request
 * sizes) and read back by {@code ConsumerPerformance} (read_committed, the AssembleJob source's
 * fetch sizes). Not a test: run it by hand (BENCHMARKS.md, "Issue 12: the rest of the
 * measurements"), with {@code org.apache.kafka:kafka-tools} (same version as kafka-clients) and its
 * {@code argparse4j} on the class path; they are not dependencies of the project.
 *
 * <p>{@code MIB [RECORD_BYTES] [sequential|concurrent]}: sequential produces everything, then
 * consumes it; concurrent runs the consumer while the producer writes, as the pipeline does. Prints
 * wall time and the JVM's CPU time of each phase.
 */
public final class KafkaFloorBench {
    private static final String TOPIC = "floor";

    private KafkaFloorBench() {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int recordBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1_044_736;
        boolean concurrent = args.length > 2 && args[2].equals("concurrent");
        long bytes = (long) mib << 20;
        long records = (bytes + recordBytes - 1) / recordBytes;
        double mb = records * (double) recordBytes / 1e6;
        Path config = Files.createTempFile("floor-consumer", ".properties");
        try (EmbeddedKafka kafka = new EmbeddedKafka()) {
            kafka.start();
            kafka.createTopic(TOPIC, 2);
            Files.writeString(config, "isolation.level=read_committed\n");
            String bootstrap = kafka.bootstrapServers();
            List<String> producer =
                    new ArrayList<>(
                            List.of(
                                    "--topic",
                                    TOPIC,
                                    "--num-records",
                                    Long.toString(records),
                                    "--record-size",
                                    Integer.toString(recordBytes),
                                    "--throughput",
                                    "-1",
                                    "--transactional-id",
                                    "floor-bench",
                                    "--transaction-duration-ms",
                                    "100",
                                    "--producer-props",
                                    "bootstrap.servers=" + bootstrap,
                                    "acks=all",
                                    "enable.idempotence=true",
                                    "batch.size=" + (1 << 20),
                                    "linger.ms=5",
                                    "max.request.size=" + (1 << 20)));
            String[] consumer = {
                "--bootstrap-server",
                bootstrap,
                "--topic",
                TOPIC,
                "--messages",
                Long.toString(records),
                "--fetch-size",
                Integer.toString(8 << 20),
                "--socket-buffer-size",
                Integer.toString(1 << 20),
                "--command-config",
                config.toString(),
                "--group",
                "floor-bench",
                "--timeout",
                "60000"
            };
            System.out.printf(
                    "floor: %d records of %d bytes = %.1f MB, %s%n",
                    records, recordBytes, mb, concurrent ? "concurrent" : "sequential");
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            if (concurrent) {
                Thread c =
                        new Thread(
                                () -> run("org.apache.kafka.tools.ConsumerPerformance", consumer),
                                "floor-consumer");
                c.start();
                run("org.apache.kafka.tools.ProducerPerformance", producer.toArray(String[]::new));
                long tp = System.nanoTime();
                c.join();
                long t1 = System.nanoTime();
                report("produce (while consuming)", mb, tp - t0, -1);
                report("produce + consume, overlapped", mb, t1 - t0, processCpuNanos() - cpu0);
            } else {
                run("org.apache.kafka.tools.ProducerPerformance", producer.toArray(String[]::new));
                long t1 = System.nanoTime();
                long cpu1 = processCpuNanos();
                report("produce", mb, t1 - t0, cpu1 - cpu0);
                run("org.apache.kafka.tools.ConsumerPerformance", consumer);
                long t2 = System.nanoTime();
                long cpu2 = processCpuNanos();
                report("consume", mb, t2 - t1, cpu2 - cpu1);
                report("produce then consume", mb, t2 - t0, cpu2 - cpu0);
            }
        } finally {
            Files.deleteIfExists(config);
        }
        System.exit(0); // the broker's non-daemon threads
    }

    private static void run(String tool, String[] args) {
        try {
            Method main = Class.forName(tool).getMethod("main", String[].class);
            main.invoke(null, (Object) args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    tool + " failed (is kafka-tools on the class path?)", e);
        }
    }

    private static void report(String phase, double mb, long nanos, long cpuNanos) {
        double s = nanos / 1e9;
        if (cpuNanos < 0) {
            System.out.printf("floor %s: %.2f s, %.1f MB/s%n", phase, s, mb / s);
        } else {
            System.out.printf(
                    "floor %s: %.2f s, %.1f MB/s, JVM cpu %.1f s = %.1f ms/MB%n",
                    phase, s, mb / s, cpuNanos / 1e9, cpuNanos / 1e6 / mb);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}

package io.exoclone.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.server.CliProcess;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exoclone replicate} as a real process stopped with a real Ctrl-C: embedded services (and a
 * resumed run stopped right after it took a snapshot, which must still reach the replica), and with
 * {@code --bootstrap} naming a broker of the test.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReplicateCommandITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    /**
     * A cluster for --flink: the child submits the job jar to it. Parent-first class loading: this
     * JVM has Flink's Kafka connector on its class path (a real cluster does not), so the jar's
     * copy of kafka-clients would clash with it.
     */
    @RegisterExtension
    static final LocalFlinkCluster FLINK =
            LocalFlinkCluster.builder()
                    .taskSlots(4)
                    .configuration(
                            Configuration.fromMap(
                                    Map.of(
                                            CoreOptions.CLASSLOADER_RESOLVE_ORDER.key(),
                                            "parent-first")))
                    .build();

    private static final Duration CATCH_UP = Duration.ofMinutes(2);

    @TempDir Path tmp;

    private final Random random = new Random(7);

    private String[] replicate(Path a, Path b, Path work, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "replicate",
                                "--from",
                                a.toString(),
                                "--to",
                                b.toString(),
                                "--work",
                                work.toString(),
                                "--flink-conf",
                                "restart-strategy.type=none",
                                "--flink-conf",
                                "rest.bind-port=0"));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private void write(Path pool, long offset, int length) {
        try (Pool p = Pool.open(pool)) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            p.volume("vm1").write(offset, data);
        }
    }

    private Snapshot snapshot(Path pool) {
        try (Pool p = Pool.open(pool)) {
            return p.snapshot("vm1", null);
        }
    }

    @Test
    void embeddedPipelineCatchesUpStopsOnCtrlCAndResumesAfterStopAndCrash() throws Exception {
        Path a = tmp.resolve("site-a");
        Path b = tmp.resolve("site-b");
        Path work = tmp.resolve("work");
        try (Pool p = Pool.create(a)) {
            Volume v = p.createVolume("vm1", 8 << 20);
            v.write(0, bytes(512 << 10));
            p.snapshot("vm1", "s1");
            v.write(1 << 20, bytes(256 << 10));
            p.snapshot("vm1", "s2");
            v.write(2 << 20, bytes(128 << 10)); // not snapshotted: replicate --volume takes it
        }

        List<String> replicated;
        try (CliProcess run =
                ChildCli.start(replicate(a, b, work, "--volume", "vm1", "--every", "1s"))) {
            run.awaitOut(l -> l.startsWith("Flink dashboard: http://127.0.0.1:"), 1, CATCH_UP);
            replicated = run.awaitOut(l -> l.startsWith("replicated "), 3, CATCH_UP);
            run.awaitErr(l -> l.matches("Snapshot \\S+ of volume 'vm1'"), 1, Duration.ZERO);
            run.interrupt();
            assertThat(run.waitFor(Duration.ofMinutes(2))).as("%s", run).isZero();
            assertThat(run.stderr()).contains("Stopped: 3 snapshot(s) published, 3 replicated");
            assertThat(run.out("replicated ")).as("no snapshot twice").hasSize(3);
        }
        List<UUID> ids = Replicas.assertEqual(a, b);
        assertThat(ids).hasSize(3);
        for (UUID id : ids) {
            assertThat(replicated).anyMatch(l -> l.startsWith("replicated " + id + " volume=vm1"));
        }

        // A later run resumes from the savepoints: only the new snapshot goes through. Then kill
        // -9.
        write(a, 3 << 20, 64 << 10);
        try (CliProcess run =
                ChildCli.start(replicate(a, b, work, "--volume", "vm1", "--every", "1s"))) {
            String taken =
                    run.awaitErr(l -> l.matches("Snapshot \\S+ of volume 'vm1'"), 1, CATCH_UP)
                            .get(0);
            run.awaitOut(l -> l.startsWith("replicated " + taken.split(" ")[1]), 1, CATCH_UP);
            assertThat(run.stderr())
                    .contains("AssembleJob resumes from", "ReplicateJob resumes from");
            assertThat(run.out("replicated ")).as("%s", run).hasSize(1);
            assertThat(run.out("present ")).as("nothing replayed").isEmpty();
            run.kill();
        }

        // After the crash: resumes from the retained checkpoints; Ctrl-C right after a snapshot
        // was taken still gets that snapshot replicated before the process ends.
        write(a, 4 << 20, 64 << 10);
        try (CliProcess run =
                ChildCli.start(replicate(a, b, work, "--volume", "vm1", "--every", "1s"))) {
            String taken =
                    run.awaitErr(l -> l.matches("Snapshot \\S+ of volume 'vm1'"), 1, CATCH_UP)
                            .get(0);
            run.interrupt();
            assertThat(run.waitFor(Duration.ofMinutes(3))).as("%s", run).isZero();
            assertThat(run.stderr())
                    .as("restored from retained checkpoints after kill -9")
                    .containsPattern("AssembleJob resumes from \\S+/chk-\\d+")
                    .containsPattern("ReplicateJob resumes from \\S+/chk-\\d+");
            assertThat(run.out("replicated ")).anyMatch(l -> l.contains(taken.split(" ")[1]));
        }
        assertThat(Replicas.assertEqual(a, b)).hasSize(5).containsAll(ids);
    }

    @Test
    void usesExistingServicesWithBootstrapFlinkAndStorage() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path storage = tmp.resolve("storage");
        try (Pool p = Pool.create(a)) {
            p.createVolume("vm1", 4 << 20).write(4096, bytes(300 << 10));
        }
        UUID id = snapshot(a).id();

        try (CliProcess run =
                ChildCli.start(
                        replicate(
                                a,
                                b,
                                tmp.resolve("work"),
                                "--bootstrap",
                                KAFKA.bootstrapServers(),
                                "--flink",
                                "127.0.0.1:" + FLINK.restPort(),
                                "--storage",
                                storage.toUri().toString()))) {
            run.awaitOut(l -> l.startsWith("Flink dashboard: " + FLINK.restAddress()), 1, CATCH_UP);
            run.awaitOut(l -> l.startsWith("replicated " + id), 1, CATCH_UP);
            assertThat(FLINK.miniCluster().listJobs().get())
                    .as("both jobs run on the test's cluster")
                    .hasSize(2);
            run.interrupt();
            assertThat(run.waitFor(Duration.ofMinutes(2))).as("%s", run).isZero();
            assertThat(run.stderr()).doesNotContain("Starting Kafka", "Starting Flink");
        }
        assertThat(publishedIds()).as("published on the test's broker").contains(id.toString());
        try (Stream<Path> files = Files.walk(storage)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("the file in --storage")
                    .contains(id + ".exo");
        }
        assertThat(Replicas.assertEqual(a, b)).containsExactly(id);
    }

    private static List<String> publishedIds() {
        Properties p = KAFKA.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> ids = new ArrayList<>();
        EventCodec codec = new EventCodec();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of("exoclone.published"));
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < end && ids.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    ids.add(codec.decode(r.value(), ExoclonePublished.class).getExocloneId());
                }
            }
        }
        return ids;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}

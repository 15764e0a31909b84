package io.exoclone.connectors.feed;

import static io.exoclone.connectors.feed.FeedTesting.WAIT;
import static io.exoclone.connectors.feed.FeedTesting.assertSealedInOrder;
import static io.exoclone.connectors.feed.FeedTesting.churn;
import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.testutils.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real emitter process with SIGKILL in the middle of a snapshot's transaction, then
 * restarts the feed on the same pool: every snapshot reaches read_committed readers exactly once,
 * in order, and the killed transaction's records never do.
 */
class ChangeFeedKillITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @TempDir Path tmp;

    @Test
    void sigkillMidTransactionThenRestartLeavesNoGapAndNoDuplicate() throws Exception {
        Path dir = tmp.resolve("pool");
        String topic = "changes-killed";
        Random rnd = new Random(21);
        List<Snapshot> taken = new ArrayList<>();
        try (Pool pool = FeedTesting.newPool(dir)) {
            pool.createVolume("v", 16 << 20);
            for (int i = 0; i < 2; i++) {
                churn(pool, "v", rnd, 10);
                taken.add(pool.snapshot("v", null));
            }
            byte[] d = new byte[2 << 20];
            rnd.nextBytes(d);
            pool.volume("v").write(4 << 20, d);
            taken.add(pool.snapshot("v", "victim")); // about 130 records of 16 KiB
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path err = tmp.resolve("emitter.err");
        Process p =
                new ProcessBuilder(
                                java,
                                "-Xmx256m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                FeedProcess.class.getName(),
                                dir.toString(),
                                KAFKA.bootstrapServers(),
                                topic,
                                "40")
                        .redirectError(err.toFile())
                        .start();
        List<String> published = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("IN_TRANSACTION")) {
                if (line.startsWith("PUBLISHED ")) {
                    published.add(line.substring(10));
                }
            }
            assertThat(line).as("emitter stderr: %s", Files.readString(err)).isNotNull();
            // Wait until the open transaction's records are in the log, then kill.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (endOffset(topic) < recordsOf(topic) + 40 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            p.destroyForcibly(); // SIGKILL on Linux
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(published)
                .containsExactly(taken.get(0).id().toString(), taken.get(1).id().toString());
        long committedRecords = recordsOf(topic);
        assertThat(endOffset(topic))
                .as("the killed transaction left records in the log")
                .isGreaterThanOrEqualTo(committedRecords + 40);

        try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), topic)) {
            assertSealedInOrder(reader.drain(Duration.ofSeconds(1)), taken.subList(0, 2));
            assertThat(reader.unsealed()).isEmpty();
        }

        // Restart: a new emitter on the same pool (same transactional.id) takes over.
        ChangeFeedConfig config =
                FeedTesting.config(KAFKA.bootstrapServers())
                        .topic(topic)
                        .maxRecordBytes(16 << 10)
                        .build();
        try (Pool pool = FeedTesting.openPool(dir)) {
            churn(pool, "v", rnd, 10);
            taken.add(pool.snapshot("v", null));
            FeedTesting.Recorder rec = new FeedTesting.Recorder();
            try (ChangeFeed feed = ChangeFeed.start(pool, config, rec)) {
                feed.awaitCaughtUp(WAIT);
            }
            assertThat(rec.published).hasSize(2);
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), topic)) {
                List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(4, WAIT);
                assertSealedInOrder(reader.drain(Duration.ofSeconds(1)), taken);
                Replica replica = new Replica();
                for (int i = 0; i < taken.size(); i++) {
                    assertThat(replica.apply(sealed.get(i)))
                            .isEqualTo(pool.read(taken.get(i).id(), 0, 16 << 20));
                }
            }
        }
    }

    private static long endOffset(String topic) throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get()
                    .offset();
        }
    }

    /**
     * Records (and commit markers) of committed transactions, as a read_committed reader counts.
     */
    private static long recordsOf(String topic) {
        try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), topic)) {
            return reader.drain(Duration.ofMillis(300)).stream()
                    .mapToLong(s -> s.changes().size() + 2) // + seal + commit marker
                    .sum();
        }
    }
}

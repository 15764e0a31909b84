package io.exoclone.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exoclone.connectors.feed.ChangeFeed;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.schemas.EventCodec;
import io.exoclone.testutils.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code exoclone stream} and {@code exoclone events tail} against a real broker. */
class StreamCommandITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    private static List<Snapshot> poolWithSnapshots(Path dir, int count) {
        List<Snapshot> taken = new ArrayList<>();
        Random rnd = new Random(1);
        try (Pool pool = Pool.create(dir)) {
            pool.createVolume("vm1", 8 << 20);
            for (int i = 0; i < count; i++) {
                byte[] d = new byte[300 << 10];
                rnd.nextBytes(d);
                pool.volume("vm1").write(rnd.nextInt(7 << 20), d);
                taken.add(pool.snapshot("vm1", "t" + i));
            }
        }
        return taken;
    }

    @Test
    void streamOncePublishesWhatIsMissingAndTailDecodesIt() throws Exception {
        Path dir = tmp.resolve("p");
        List<Snapshot> taken = poolWithSnapshots(dir, 2);
        String b = KAFKA.bootstrapServers();

        CliRun first =
                CliRun.of("--pool", dir.toString(), "stream", "-b", b, "--topic", "t1", "--once");
        assertThat(first.code()).as("%s", first).isZero();
        assertThat(first.lines()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(first.lines().get(i))
                    .startsWith("published " + taken.get(i).id() + " volume=vm1 generation=")
                    .contains("records=")
                    .contains("bytes=")
                    .contains("ms=");
        }
        assertThat(first.lines().get(0)).contains("parent=none");
        assertThat(first.err()).contains("Stopped: 2 snapshot(s) published");

        CliRun again =
                CliRun.of("--pool", dir.toString(), "stream", "-b", b, "--topic", "t1", "--once");
        assertThat(again.code()).as("%s", again).isZero();
        assertThat(again.lines()).as("nothing left to publish").isEmpty();

        CliRun tail =
                CliRun.of(
                        "events",
                        "tail",
                        "-b",
                        b,
                        "--topic",
                        "t1",
                        "--from-beginning",
                        "--idle",
                        "2s");
        assertThat(tail.code()).as("%s", tail).isZero();
        List<JsonNode> events = new ArrayList<>();
        for (String line : tail.lines()) {
            JsonNode e = JSON.readTree(line);
            assertThat(longestText(e)).as("data is summarized, not dumped").isLessThanOrEqualTo(64);
            events.add(e);
        }
        List<String> seals =
                events.stream()
                        .filter(e -> e.path("type").asText().equals("SnapshotSealed"))
                        .map(e -> e.path("event").path("snapshotId").asText())
                        .toList();
        assertThat(seals)
                .containsExactly(taken.get(0).id().toString(), taken.get(1).id().toString());
        JsonNode change =
                events.stream()
                        .filter(e -> e.path("type").asText().equals("NodeChange"))
                        .findFirst()
                        .orElseThrow();
        assertThat(change.path("topic").asText()).isEqualTo("t1");
        JsonNode range = change.path("event").path("ranges").get(0);
        assertThat(range.path("kind").asText()).isEqualTo("DATA");
        assertThat(range.path("contentHash").asText()).hasSize(64);
        assertThat(range.path("data").path("length").asInt()).isPositive();
        assertThat(range.path("data").path("sha256").asText()).hasSize(16);
        JsonNode seal = events.get(events.size() - 1).path("event");
        assertThat(seal.path("rootHash").asText()).isEqualTo(taken.get(1).rootHashHex());
    }

    private static int longestText(JsonNode n) {
        if (n.isTextual()) {
            return n.asText().length();
        }
        int max = 0;
        for (JsonNode child : n) {
            max = Math.max(max, longestText(child));
        }
        return max;
    }

    @Test
    void tailReportsUndecodableRecordsAndGoesOn() throws Exception {
        KAFKA.createTopic("mixed", 1);
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(
                        KAFKA.clientProperties(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            p.send(
                    new ProducerRecord<>(
                            "mixed",
                            "k".getBytes(StandardCharsets.UTF_8),
                            new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
            p.send(new ProducerRecord<>("mixed", null, null));
            var status =
                    io.exoclone.schemas.ReplicaStatus.newBuilder()
                            .setSite("b")
                            .setVolumeId("v")
                            .setVolumeName("vm1")
                            .setAppliedId("x")
                            .setRootHash(java.nio.ByteBuffer.wrap(new byte[32]))
                            .setLagMillis(5)
                            .setImportedBytes(0)
                            .setTimestampMillis(1)
                            .setStatus(io.exoclone.schemas.ReplicaState.APPLIED)
                            .build();
            p.send(new ProducerRecord<>("mixed", null, new EventCodec().encode(status)));
        }
        CliRun tail =
                CliRun.of(
                        "events",
                        "tail",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        "mixed",
                        "--from-beginning",
                        "-n",
                        "3");
        assertThat(tail.code()).as("%s", tail).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : tail.lines()) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).path("reason").asText()).isEqualTo("BAD_MARKER");
        assertThat(lines.get(0).path("key").asText()).isEqualTo("k");
        assertThat(lines.get(1).path("reason").asText()).isEqualTo("NULL_VALUE");
        assertThat(lines.get(2).path("type").asText()).isEqualTo("ReplicaStatus");
        assertThat(lines.get(2).path("event").path("status").asText()).isEqualTo("APPLIED");
    }

    @Test
    void badArgumentsAreUsageOrNotFoundErrors() {
        Path dir = tmp.resolve("p");
        poolWithSnapshots(dir, 0);
        String b = KAFKA.bootstrapServers();
        assertThat(CliRun.of("--pool", dir.toString(), "stream").code()).isEqualTo(2);
        assertThat(CliRun.of("--pool", dir.toString(), "stream", "-b", b, "--every", "0s").code())
                .isEqualTo(2);
        assertThat(
                        CliRun.of(
                                        "--pool",
                                        dir.toString(),
                                        "stream",
                                        "-b",
                                        b,
                                        "--max-record-bytes",
                                        "1K")
                                .code())
                .isEqualTo(2);
        CliRun missing =
                CliRun.of(
                        "--pool", dir.toString(), "stream", "-b", b, "--volume", "nope", "--once");
        assertThat(missing.code()).as("%s", missing).isEqualTo(3);
        assertThat(CliRun.of("events", "tail", "-b", b).code()).isEqualTo(2);
        assertThat(CliRun.of("events").code()).isEqualTo(2);
        CliRun noTopic = CliRun.of("events", "tail", "-b", b, "-t", "no-such-topic");
        assertThat(noTopic.code()).as("%s", noTopic).isEqualTo(3);
        assertThat(noTopic.err()).contains("Topic no-such-topic does not exist");
        assertThat(CliRun.of("stream", "--help").out()).contains("--every").contains("--once");
    }

    @Test
    void streamFollowsItsVolumesAndStopsCleanlyOnCtrlC() throws Exception {
        Path dir = tmp.resolve("p");
        try (Pool pool = Pool.create(dir)) {
            pool.createVolume("vm1", 4 << 20);
            pool.volume("vm1").write(0, new byte[] {1, 2, 3});
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path err = tmp.resolve("stream.err");
        Process p =
                new ProcessBuilder(
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.exoclone.cli.Main",
                                "--pool",
                                dir.toString(),
                                "stream",
                                "-b",
                                KAFKA.bootstrapServers(),
                                "--topic",
                                "followed",
                                "--volume",
                                "vm1",
                                "--every",
                                "200ms")
                        .redirectError(err.toFile())
                        .start();
        String published;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            published = out.readLine();
            assertThat(published).as("stderr: %s", Files.readString(err)).startsWith("published ");
            Thread.sleep(600); // a few more ticks: the volume did not change, no more snapshots
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out.readLine()).as("only one snapshot").isNull();
        }
        assertThat(Files.readString(err)).contains("Stopped: 1 snapshot(s) published");
        try (Pool pool = Pool.open(dir)) { // unlocked and consistent
            List<Snapshot> snaps = pool.snapshots();
            assertThat(snaps).hasSize(1);
            assertThat(published).contains(snaps.get(0).id().toString());
            String feedId = pool.property(ChangeFeed.FEED_ID_PROPERTY).orElseThrow();
            assertThat(
                            pool.property(
                                    ChangeFeed.PUBLISHED_PROPERTY_PREFIX
                                            + "exoclone-feed-"
                                            + feedId
                                            + "-followed"))
                    .hasValueSatisfying(v -> assertThat(v).endsWith(snaps.get(0).id().toString()));
            assertThat(pool.check().problems()).isEmpty();
        }
    }
}
